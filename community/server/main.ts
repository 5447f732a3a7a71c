// The community's server: Node's HTTP server with two front doors before Astro's handler — the built text files,
// compressed in memory (./static-assets.ts), and fresh page-cache hits for visitors (src/middleware/front-door.ts).
// Everything else — other files, every other page, every API route — goes to @astrojs/node's standalone handler
// exactly as `node dist/server/entry.mjs` would.
// Listens on HOST and PORT (the launcher and compose set them from COMMUNITY_HOST and COMMUNITY_PORT).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { parseEnv, variables } from "@inkstone/config";
import { createLogger } from "@inkstone/config/logger";
import { loadStaticAssets } from "./static-assets.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
type FrontDoor = (request: IncomingMessage, response: ServerResponse) => boolean;

// Astro's entry would otherwise start its own server on import.
process.env.ASTRO_NODE_AUTOSTART = "disabled";
const dist = new URL("../dist/", import.meta.url);
const { handler } = (await import(new URL("server/entry.mjs", dist).href)) as { handler: Handler };
const staticAssets = await loadStaticAssets(new URL("client/", dist).pathname);
const FRONT_DOOR = Symbol.for("inkstone.community.front-door");
const { LOG_LEVEL, NODE_ENV } = parseEnv("community", { LOG_LEVEL: variables.LOG_LEVEL, NODE_ENV: variables.NODE_ENV });
const log = createLogger("community", { level: LOG_LEVEL, nodeEnv: NODE_ENV });

const server = createServer((request, response) => {
  // Registered by the bundle's middleware module once it has loaded (at the first request Astro handles).
  const door = (globalThis as Record<symbol, FrontDoor | undefined>)[FRONT_DOOR];
  if (staticAssets(request, response) || door?.(request, response)) return;
  handler(request, response);
});
// Longer than any proxy keeps an idle upstream connection (nginx: 60 s), so the proxy is the one that closes it and
// never sends a request on a connection this server is closing.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

const host = process.env.HOST ?? "localhost";
const port = Number(process.env.PORT ?? 4321);
server.listen(port, host, () => log.info(`community listening on http://${host}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Requests still running get a moment to finish; then the process goes regardless.
    setTimeout(() => process.exit(0), 5000).unref();
  });
