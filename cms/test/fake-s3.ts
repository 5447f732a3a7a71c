// A stand-in for an S3-compatible object store (the outside world, so faked): path-style PUT, GET, HEAD and DELETE
// of whole objects, which is all Strapi's S3 provider does with files under 5 MB. It keeps objects in memory.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type StoredObject = { type: string; bytes: Buffer };

/** The body the SDK sent, its `aws-chunked` framing (chunks, then trailing checksums) removed when it used one. */
function payload(request: IncomingMessage, raw: Buffer): Buffer {
  if (!String(request.headers["content-encoding"] ?? "").includes("aws-chunked")) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

export async function startFakeS3(): Promise<{
  url: string;
  objects: Map<string, StoredObject>;
  close(): Promise<void>;
}> {
  const objects = new Map<string, StoredObject>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const key = decodeURIComponent(new URL(request.url ?? "/", "http://s3.invalid").pathname.slice(1));
    if (request.method === "PUT") {
      objects.set(key, {
        type: String(request.headers["content-type"] ?? ""),
        bytes: payload(request, Buffer.concat(chunks)),
      });
      response.writeHead(200, { etag: `"${objects.size}"` }).end();
    } else if (request.method === "DELETE") {
      objects.delete(key);
      response.writeHead(204).end();
    } else if (request.method === "GET" || request.method === "HEAD") {
      const object = objects.get(key);
      if (!object) response.writeHead(404).end();
      else
        response
          .writeHead(200, { "content-type": object.type, "content-length": object.bytes.length })
          .end(request.method === "GET" ? object.bytes : undefined);
    } else response.writeHead(501).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
