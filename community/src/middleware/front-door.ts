import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { REQUEST_ID_HEADER } from "@inkstone/config/logger";
import type { CachedPage } from "../lib/cache/page-cache.ts";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache/page-cache.ts";
import type { SwrCache } from "../lib/cache/swr.ts";
import { compressBytes, negotiate } from "../lib/compression.ts";
import { logger } from "../lib/log.ts";
import { cachedReply, PAGES } from "./cache.ts";
import { SECURITY_HEADERS } from "./headers.ts";
import { memberPageFromMemory } from "./member-pages.ts";

/**
 * The front door: the community's server (community/server/main.ts) asks it first, before Astro sees the request. A
 * fresh page-cache hit for an anonymous GET is written straight to the socket — no Request object, no middleware, no
 * router — which is what makes a hit cost about what a static file does. A member's GET of a public page is answered
 * here too when their session, their state and the page's shared shell are all in memory (src/middleware/
 * member-pages.ts). Anything else (a stale or missing page, a pending form message, a query other than `?page=N`,
 * any other method or path) returns false and goes to Astro, where the middleware handles it with everything else.
 */
export type FrontDoor = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Where server/main.ts finds it: the page cache lives in Astro's bundle, and this is registered from inside it. */
export const FRONT_DOOR = Symbol.for("inkstone.community.front-door");

/** Only these query strings share a page's cache key as written (see cacheKey); others go through Astro. */
const PAGE_QUERY = /^page=\d{1,3}$/;

export function frontDoor(cache: SwrCache<CachedPage>, bypass: () => boolean): FrontDoor {
  return (request, response) => {
    if (request.method !== "GET") return false;
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    // A path as written that is a key was stored from a request whose parsed path was that same key.
    if ((query && !PAGE_QUERY.test(query)) || !PAGES.test(path) || bypass()) return false;
    const key = query ? `${path}?${query}` : path;
    const cookie = request.headers.cookie;
    if (cookie?.includes("inkstone_")) {
      const html = memberPageFromMemory(cookie, key);
      if (html === undefined) return false;
      sendMemberPage(request, response, html);
      return true;
    }
    const hit = cache.lookup(key);
    if (hit?.state !== "fresh") return false;
    const reply = cachedReply(hit.entry, "HIT", request.headers["accept-encoding"], request.headers["if-none-match"]);
    const requestId = randomUUID();
    response.writeHead(reply.status, { ...reply.headers, [REQUEST_ID_HEADER]: requestId });
    response.end(reply.body ?? undefined);
    logAnswered(requestId, url, reply.status, "HIT");
    return true;
  };
}

/** A member's page as Astro's path would send it: private, with the security headers, compressed when accepted. */
function sendMemberPage(request: IncomingMessage, response: ServerResponse, html: string): void {
  const requestId = randomUUID();
  const body = Buffer.from(html);
  const coding = negotiate(request.headers["accept-encoding"]);
  const write = (bytes: Uint8Array, encoding?: string) => {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "cache-control": PRIVATE_CACHE_CONTROL,
      vary: "Accept-Encoding",
      "content-length": String(bytes.byteLength),
      ...(encoding ? { "content-encoding": encoding } : {}),
      [REQUEST_ID_HEADER]: requestId,
    });
    response.end(bytes);
  };
  logAnswered(requestId, request.url ?? "/", 200, "MEMBER");
  if (coding === "identity") {
    write(body);
    return;
  }
  compressBytes(body, coding).then(
    (compressed) => write(compressed, coding),
    // Compression does not fail on a buffer; if it ever did, the page goes out as it is.
    () => write(body),
  );
}

/**
 * The line for a request answered here, at debug: at thousands a second an info line each would cost more than the
 * answer, so nothing (not even the line's fields) is built unless debug is on.
 */
function logAnswered(requestId: string, path: string, status: number, cache: string): void {
  const log = logger();
  if (log.isLevelEnabled("debug"))
    log.debug({ requestId, method: "GET", path, status, cache }, `GET ${path} ${status}`);
}

/** Registers the front door for server/main.ts (called once, when the middleware module loads). */
export function installFrontDoor(door: FrontDoor): void {
  (globalThis as Record<symbol, unknown>)[FRONT_DOOR] = door;
}
