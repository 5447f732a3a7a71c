// The baseline: the article page's HTML served as a static file, the way @astrojs/node serves the community's own
// assets (node:http + send: stat, ETag, Last-Modified, stream). Run: node static-server.ts <root> <port>
import { createServer } from "node:http";
import send from "send";

const [root, port] = process.argv.slice(2);
if (!root || !port) throw new Error("usage: node static-server.ts <root> <port>");
createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://static").pathname;
  send(req, `${path}.html`, { root })
    .on("error", () => {
      res.statusCode = 404;
      res.end();
    })
    .pipe(res);
}).listen(Number(port), "127.0.0.1", () => console.log(`static files from ${root} on ${port}`));
