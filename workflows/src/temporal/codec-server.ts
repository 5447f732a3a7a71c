// The worker's codec endpoint: the Temporal Web UI (and `temporal --codec-endpoint`) send it encrypted payloads and
// get them back readable. It speaks the Temporal codec server protocol — POST /decode and /encode (also under a
// /{namespace}/ prefix) with `{ payloads: [{ metadata: { name: base64 }, data: base64 }] }` — and answers only to the
// token: `Authorization: Bearer <token>`, or HTTP Basic with the token as password so a browser signs in once.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { errorMessage, type Logger } from "@inkstone/config/logger";
import type { Payload, PayloadCodec } from "@temporalio/common";
import { z } from "zod";
import { PayloadDecryptionError } from "./encryption-codec.ts";

export type CodecServerOptions = {
  codec: PayloadCodec;
  /** TEMPORAL_CODEC_TOKEN. */
  token: string;
  /** TEMPORAL_UI_URL: browsers may call from this origin only (with credentials). */
  uiUrl: string;
  logger: Logger;
  /** Largest request body; Temporal's own payload limit is 2 MB, base64 makes it larger. */
  maxBodyBytes?: number;
};

const ROUTE = /^(?:\/[^/]+)?\/(decode|encode)$/;
const REALM = 'Basic realm="Inkstone codec endpoint", charset="UTF-8"';

const wirePayloadSchema = z.object({
  metadata: z.record(z.string(), z.base64()).nullish(),
  data: z.base64().nullish(),
});
// Protobuf JSON leaves out empty lists: `{}` is an update or signal without arguments.
const wireBodySchema = z.object({ payloads: z.array(wirePayloadSchema).default([]) });
type WirePayload = z.infer<typeof wirePayloadSchema>;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The endpoint's request handler (served by `serveCodec`; tests call it on a port of their own). */
export function codecHandler(options: CodecServerOptions): RequestListener {
  const log = options.logger.child({ component: "codec-endpoint" });
  const allowedOrigin = new URL(options.uiUrl).origin;
  const expected = digest(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  // Both sides are hashed first, so the comparison takes as long whatever the length of what was sent.
  const authorised = (request: IncomingMessage) => {
    const presented = tokenOf(request.headers.authorization);
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };

  return (request, response) => {
    const started = performance.now();
    response.on("finish", () =>
      log.debug(
        { method: request.method, path: request.url, status: response.statusCode, ms: performance.now() - started },
        "codec endpoint request",
      ),
    );
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin === allowedOrigin
        ? { "access-control-allow-origin": allowedOrigin, "access-control-allow-credentials": "true", vary: "Origin" }
        : { vary: "Origin" };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...cors, ...headers })
        .end(JSON.stringify(body));
    const fail = (error: HttpError, headers?: Record<string, string>) =>
      send(error.status, { error: { code: error.code, message: error.message } }, headers);

    // A page on any other origin gets nothing, not even with the browser's remembered sign-in.
    if (origin !== undefined && origin !== allowedOrigin)
      return fail(
        new HttpError(403, "origin_not_allowed", `${origin} may not call this endpoint; only TEMPORAL_UI_URL's origin`),
      );
    // Preflights carry no credentials, by the browser's rules.
    if (request.method === "OPTIONS")
      return response
        .writeHead(204, {
          ...cors,
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "authorization, content-type, x-namespace",
          "access-control-max-age": "600",
        })
        .end();
    if (!authorised(request))
      return fail(
        new HttpError(
          401,
          "unauthorized",
          "send TEMPORAL_CODEC_TOKEN as `Authorization: Bearer <token>`, or sign in with it as the password",
        ),
        { "www-authenticate": REALM },
      );

    const path = (request.url ?? "/").split("?")[0] ?? "/";
    // Where an operator's browser signs in before pointing the Web UI here.
    if (request.method === "GET" && path === "/")
      return send(200, {
        data: { message: "Signed in. The Temporal Web UI can now use this endpoint as its codec server." },
      });
    const route = ROUTE.exec(path)?.[1] as "decode" | "encode" | undefined;
    if (!route) return fail(new HttpError(404, "not_found", "POST /decode or /encode (optionally under /<namespace>)"));
    if (request.method !== "POST")
      return fail(new HttpError(405, "method_not_allowed", `${path} takes POST`), { allow: "POST, OPTIONS" });
    // JSON only: an HTML form cannot post it, so a page cannot borrow a signed-in browser's credentials.
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return fail(new HttpError(415, "unsupported_media_type", "send Content-Type: application/json"));

    readJson(request, maxBodyBytes)
      .then(async (body) => {
        const parsed = wireBodySchema.safeParse(body);
        if (!parsed.success)
          throw new HttpError(
            400,
            "invalid_body",
            `expected { payloads: [{ metadata: { name: base64 }, data: base64 }] }: ${parsed.error.issues[0]?.message ?? ""}`,
          );
        const payloads = parsed.data.payloads.map(fromWire);
        const result = route === "decode" ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
        send(200, { payloads: result.map(toWire) });
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError) return fail(error);
        if (error instanceof PayloadDecryptionError) {
          log.warn({ route }, `codec endpoint: ${error.message}`);
          return fail(new HttpError(400, "undecryptable", error.message));
        }
        log.error({ err: error, route }, `codec endpoint failed: ${errorMessage(error)}`);
        return fail(new HttpError(500, "internal", "the payloads could not be processed; the worker's log says why"));
      });
  };
}

/** Serves the codec endpoint on `port` (all interfaces: the operator's browser calls it, not the UI's server). */
export function serveCodec(options: CodecServerOptions & { port: number; host?: string }): Promise<Server> {
  const server = createServer(codecHandler(options));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** The token from a Bearer header, or the password of a Basic one (any user name). */
function tokenOf(header: string | undefined): string | undefined {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header ?? "");
  if (!match) return undefined;
  const [, scheme = "", value = ""] = match;
  if (scheme.toLowerCase() === "bearer") return value;
  if (scheme.toLowerCase() !== "basic") return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function fromWire(payload: WirePayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([name, value]) => [
        name,
        new Uint8Array(Buffer.from(value, "base64")),
      ]),
    ),
    data: new Uint8Array(Buffer.from(payload.data ?? "", "base64")),
  };
}

function toWire(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString("base64")]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString("base64"),
  };
}

async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, "too_large", `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "invalid_json", "the body is not JSON");
  }
}
