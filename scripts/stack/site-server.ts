// The docs site as `npm start` serves it: VitePress's static output (site/.vitepress/dist) under the URL rules of
// the production nginx (docker/site.nginx.conf): `/guide/intro` is `guide/intro.html`, a folder answers with its
// `index.html`, anything else is the site's own 404 page with status 404 and its Content-Type. Text is compressed
// (brotli or gzip) once per file version; hashed assets are cached for good, everything else revalidated.
// `node scripts/stack/site-server.ts` serves on SITE_PORT.
import { readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { siteEnv } from "@inkstone/config";
import { ROOT } from "./paths.ts";

/** Where `vitepress build` writes the site. */
export const SITE_DIST = join(ROOT, "site", ".vitepress", "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".avif": "image/avif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".json", ".xml", ".txt", ".svg"]);

type Body = { type: string; etag: string; raw: Buffer; br?: Buffer; gzip?: Buffer };

/** A request handler serving the built site in `root`. */
export function siteHandler(root: string): (request: IncomingMessage, response: ServerResponse) => void {
  // Keyed by path; an entry is reused while the file's size and modification time are unchanged.
  const bodies = new Map<string, Body>();
  const load = (file: string): Body | undefined => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
    const cached = bodies.get(file);
    if (cached?.etag === etag) return cached;
    const extension = extname(file);
    const raw = readFileSync(file);
    const body: Body = { type: TYPES[extension] ?? "application/octet-stream", etag, raw };
    if (COMPRESSIBLE.has(extension) && raw.length > 1024) {
      body.br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
      body.gzip = gzipSync(raw, { level: 9 });
    }
    bodies.set(file, body);
    return body;
  };

  return (request, response) => {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      response.end("Only GET and HEAD are served here.\n");
      return;
    }
    const url = new URL(request.url ?? "/", "http://site.invalid");
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      response.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("The path is not valid percent-encoded UTF-8.\n");
      return;
    }
    // A normalized path cannot climb out of the site; a NUL could not name a file anyway.
    const relative = normalize(path).replace(/^([/\\])+/, "");
    if (path.includes("\0") || relative.startsWith(`..${sep}`) || relative === "..") return notFound();

    const file = join(root, relative);
    const isFolder = statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isFolder && !path.endsWith("/")) {
      // As nginx does: a folder's URL ends with a slash, so its relative links resolve inside it.
      response.writeHead(301, { Location: `${url.pathname}/${url.search}`, "Cache-Control": "no-cache" });
      response.end();
      return;
    }
    const candidates = isFolder ? [join(file, "index.html")] : [file, `${file}.html`];
    for (const candidate of candidates) {
      const body = load(candidate);
      if (body) return send(200, body, path.startsWith("/assets/"));
    }
    return notFound();

    function notFound() {
      const page = load(join(root, "404.html"));
      if (page) return send(404, page, false);
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("Not found. Is the docs site built (npm run build)?\n");
    }

    function send(status: number, body: Body, immutable: boolean) {
      response.setHeader("Content-Type", body.type);
      response.setHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      response.setHeader("ETag", body.etag);
      if (body.br) response.setHeader("Vary", "Accept-Encoding");
      if (status === 200 && request.headers["if-none-match"] === body.etag) {
        response.writeHead(304);
        response.end();
        return;
      }
      const accepted = String(request.headers["accept-encoding"] ?? "");
      const [encoding, bytes] =
        body.br && /\bbr\b/.test(accepted)
          ? ["br", body.br]
          : body.gzip && /\bgzip\b/.test(accepted)
            ? ["gzip", body.gzip]
            : [undefined, body.raw];
      if (encoding) response.setHeader("Content-Encoding", encoding);
      response.writeHead(status, { "Content-Length": bytes.length });
      response.end(request.method === "HEAD" ? undefined : bytes);
    }
  };
}

/** Serves the built site in `root` on `host:port`; resolves once it listens. */
export function serveSite(root: string, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer(siteHandler(root));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { SITE_PORT, SITE_URL } = siteEnv(process.env);
  await serveSite(SITE_DIST, SITE_PORT);
  console.log(`docs site (${SITE_DIST}) served at ${SITE_URL}`);
}
