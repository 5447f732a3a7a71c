import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "astro";
import { FLASH_COOKIE } from "../lib/auth/flash.ts";
import { SESSION_COOKIE } from "../lib/auth/session.ts";
import { type CachedPage, PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL } from "../lib/cache/page-cache.ts";
import type { Entry, Loaded, SwrCache } from "../lib/cache/swr.ts";
import {
  type CompressedCoding,
  compressBytes,
  compressible,
  etagMatches,
  MIN_COMPRESS_BYTES,
  negotiate,
  variantEtag,
} from "../lib/compression.ts";
import { currentRequest, requestLog } from "../lib/request-context.ts";
import { SECURITY_HEADERS } from "./headers.ts";

/** Where public pages live: under a locale, and the sitemap and robots.txt (not /api, /health or assets). */
export const PAGES = /^\/(zh-CN|en)(\/|$)|^\/(sitemap\.xml|robots\.txt)$/;

/** Uploaded images, passed through from the CMS (src/pages/uploads/[file].ts). */
const UPLOADS = /^\/uploads\//;

type Options = { cache: SwrCache<CachedPage>; bypass: () => boolean };

/** A cached page's answer, built once for both the front door (src/lib/front-door.ts) and this middleware. */
export type CachedReply = { status: 200 | 304; headers: Record<string, string>; body: Uint8Array | null };

/**
 * A cached page in the coding the request accepts (a variant compressed when it was stored), or 304 when the client
 * already holds that variant. Each variant has its own ETag, so no cache mixes a compressed body up with another.
 */
export function cachedReply(
  entry: Entry<CachedPage>,
  state: string,
  acceptEncoding: string | null | undefined,
  ifNoneMatch: string | null | undefined,
): CachedReply {
  const page = entry.value;
  const wanted = negotiate(acceptEncoding);
  const coding = wanted !== "identity" && page.variants[wanted] ? wanted : "identity";
  const body = coding === "identity" ? page.body : (page.variants[coding] as Uint8Array<ArrayBuffer>);
  const etag = variantEtag(page.etag, coding);
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "cache-control": PUBLIC_CACHE_CONTROL,
    vary: "Cookie, Accept-Encoding",
    etag,
    "x-cache": state,
  };
  if (etagMatches(ifNoneMatch ?? null, etag)) return { status: 304, headers, body: null };
  headers["content-type"] = page.contentType;
  headers["content-length"] = String(body.byteLength);
  if (coding !== "identity") headers["content-encoding"] = coding;
  return { status: 200, headers, body };
}

function serve(entry: Entry<CachedPage>, state: string, request: Request): Response {
  const reply = cachedReply(entry, state, request.headers.get("accept-encoding"), request.headers.get("if-none-match"));
  return new Response(reply.body as Uint8Array<ArrayBuffer> | null, { status: reply.status, headers: reply.headers });
}

/** Whether a request with `cookie` carries a session or a pending form message (then it is rendered for that person). */
export function personal(cookie: string | null | undefined): boolean {
  return typeof cookie === "string" && (cookie.includes(`${SESSION_COOKIE}=`) || cookie.includes(`${FLASH_COOKIE}=`));
}

/** The page's own response, with the cache policy its kind calls for. */
function finish(response: Response, locals: App.Locals): Response {
  const isPublic = Boolean(locals.cache) && !locals.session && !locals.flash && response.status === 200;
  const policy = isPublic ? PUBLIC_CACHE_CONTROL : PRIVATE_CACHE_CONTROL;
  try {
    if (locals.session || isPublic || !response.headers.has("cache-control"))
      response.headers.set("cache-control", policy);
    if (isPublic) response.headers.set("vary", "Cookie");
    return response;
  } catch {
    // Immutable headers (a Response.redirect from somewhere): copy the response once.
    const copy = new Response(response.body, response);
    copy.headers.set("cache-control", policy);
    return copy;
  }
}

/** A render that kept no page (thrown, or a 5xx): the cached one is served instead, so say why once. */
function renderFailed(key: string, cause: { error: unknown } | { status: number }, serving: string): void {
  const err = "error" in cause ? cause.error : currentRequest()?.error;
  const status = "status" in cause ? cause.status : undefined;
  requestLog().warn({ path: key, status, err }, `rendering ${key} failed; ${serving}`);
}

/**
 * Path plus the one query parameter public pages read (`page`): `?utm_source=…` and other noise share the entry, so
 * random query strings can neither bypass the cache to load the CMS nor flood memory.
 */
export function cacheKey(url: URL): string {
  const page = url.searchParams.get("page");
  return page ? `${url.pathname}?page=${page}` : url.pathname;
}

/** Text says its charset; a PNG (a share card) has none. */
const withCharset = (type: string) =>
  type.includes("charset") || !compressible(type) ? type : `${type}; charset=utf-8`;

const CODINGS: readonly CompressedCoding[] = ["br", "gzip"];

/**
 * Keeps a rendered public page's 200 (anything else, an error or a redirect, is not kept), compressed once here, in
 * both codings, off the main thread: every later hit is served as stored.
 */
async function toLoaded(
  response: Response,
  locals: App.Locals,
  unkept?: (copy: Response) => void,
): Promise<Loaded<CachedPage>> {
  if (response.status !== 200 || !locals.cache || locals.session || locals.flash) return undefined;
  const body = new Uint8Array(await response.arrayBuffer());
  // Rendered from a last good copy of some data (its source failing): shown (the body, read, goes back to the
  // caller), not kept.
  if (currentRequest()?.degraded) {
    unkept?.(new Response(body, response));
    return undefined;
  }
  const contentType = withCharset(response.headers.get("content-type") ?? "text/html");
  const variants: CachedPage["variants"] = {};
  if (compressible(contentType) && body.byteLength >= MIN_COMPRESS_BYTES) {
    const compressed = await Promise.all(CODINGS.map((coding) => compressBytes(body, coding)));
    CODINGS.forEach((coding, i) => {
      variants[coding] = compressed[i];
    });
  }
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { value: { body, contentType, etag, variants }, tags: locals.cache.tags };
}

/**
 * Serves anonymous GETs of public pages from memory with stale-while-revalidate: fresh entries at once; stale ones at
 * once while one background render refreshes them; a missing or invalidated page is rendered (once, however many
 * ask at the same moment) and kept. When rendering fails (the CMS is down), the last good page is served.
 * Signed-in members, and anyone with a pending form message, always get a fresh, private, uncached render.
 * Runs outermost, so a hit costs no session parsing, no origin check and no rendering.
 */
export function cacheMiddleware({ cache, bypass }: Options): MiddlewareHandler {
  return async (context, next) => {
    const { request, locals, url } = context;
    const cacheable =
      request.method === "GET" && PAGES.test(url.pathname) && !personal(request.headers.get("cookie")) && !bypass();
    // Uploaded images are the same whoever asks, a member included: they keep their own (public) caching.
    if (!cacheable) return UPLOADS.test(url.pathname) ? next() : finish(await next(), locals);

    const key = cacheKey(url);
    const hit = cache.lookup(key);
    if (hit?.state === "fresh") return serve(hit.entry, "HIT", request);
    if (hit?.state === "stale") {
      if (cache.shouldRefresh(key))
        void cache.refresh(key, async () => {
          const stale = "the stale page is served until a refresh succeeds";
          try {
            const response = await next();
            // Unpublished or deleted since: stop serving it (a webhook usually says so first).
            if (response.status === 404 || response.status === 410) cache.delete(key);
            if (response.status >= 500) renderFailed(key, { status: response.status }, stale);
            return await toLoaded(response, locals);
          } catch (error) {
            renderFailed(key, { error }, stale);
            throw error;
          }
        });
      return serve(hit.entry, "STALE", request);
    }

    // Missing or invalidated. Someone already rendering this page? Share their result.
    const pending = cache.inflight(key);
    if (pending) {
      const shared = await pending;
      if (shared) return serve(shared, "HIT", request);
      return finish(await next(), locals);
    }
    // Set inside the loader; declared this way so that TypeScript does not take them for always undefined below.
    let own = undefined as Response | undefined;
    let failure = undefined as { error: unknown } | undefined;
    const entry = await cache.refresh(key, async () => {
      try {
        own = await next();
        // Reading the body runs the rest of the render (components stream), so it can fail too.
        return await toLoaded(own, locals, (copy) => {
          own = copy;
        });
      } catch (error) {
        failure = { error };
        throw error;
      }
    });
    if (entry) return serve(entry, "MISS", request);
    // Rendered only from last good data: the last good page is as good, and says what it is.
    if (hit && currentRequest()?.degraded) {
      renderFailed(key, { status: 503 }, "serving the last good page");
      return serve(hit.entry, "STALE-IF-ERROR", request);
    }
    const rendered = own;
    if (!failure && rendered && rendered.status < 500) return finish(rendered, locals);
    // The render failed: the last good version beats an error page.
    if (hit) {
      renderFailed(key, failure ?? { status: rendered?.status ?? 500 }, "serving the last good page");
      return serve(hit.entry, "STALE-IF-ERROR", request);
    }
    if (!failure && rendered) return finish(rendered, locals);
    throw failure?.error;
  };
}
