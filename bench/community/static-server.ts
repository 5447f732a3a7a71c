// The baseline: the article page's HTML served as a static file, the way @astrojs/node serves the community's own
// assets (node:http + send: stat, ETag, Last-Modified, stream). A request accepting brotli gets `<page>.html.br`, a
// copy compressed ahead of time, as a static host serving precompressed files would.
// Run: node static-server.ts <root> <port>
import { createServer } from "node:http";
import send from "send";

const [root, port] = process.argv.slice(2);
if (!root || !port) throw new Error("usage: node static-server.ts <root> <port>");
createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://static").pathname;
  const br = /\bbr\b/.test(String(req.headers["accept-encoding"] ?? ""));
  send(req, br ? `${path}.html.br` : `${path}.html`, { root })
    .on("headers", () => {
      res.setHeader("vary", "Accept-Encoding");
      if (!br) return;
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.setHeader("content-encoding", "br");
    })
    .on("error", () => {
      res.statusCode = 404;
      res.end();
    })
    .pipe(res);
}).listen(Number(port), "127.0.0.1", () => console.log(`static files from ${root} on ${port}`));
