import { Readable } from "node:stream";
import { promisify } from "node:util";
import {
  type BrotliOptions,
  brotliCompress,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  type ZlibOptions,
} from "node:zlib";

/** What a response body may be sent as, in the order we prefer them when the client likes them equally. */
export type Coding = "br" | "gzip" | "identity";
/** The codings the page cache keeps besides the identity body. */
export type CompressedCoding = Exclude<Coding, "identity">;

/** Below this, compressing costs more (CPU, headers, a round of framing) than the bytes it saves. */
export const MIN_COMPRESS_BYTES = 1024;

/** Every text type the community serves. Images other than SVG, fonts and archives are compressed already. */
const COMPRESSIBLE = new Set([
  "text/html",
  "text/plain",
  "text/css",
  "text/xml",
  "application/json",
  "application/xml",
  "application/rss+xml",
  "application/javascript",
  "text/javascript",
  "image/svg+xml",
  "application/manifest+json",
]);

export function compressible(contentType: string | null): boolean {
  if (!contentType) return false;
  return COMPRESSIBLE.has(contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "");
}

const PREFERENCE: readonly Coding[] = ["br", "gzip", "identity"];

/**
 * The coding to send for an `Accept-Encoding` header: the highest q-value among br, gzip and an explicitly listed
 * identity, br before gzip before identity on a tie; `*` stands for any coding not named. No header, an empty one,
 * or nothing acceptable means identity (a 406 would help nobody: every client can read an identity body).
 */
export function negotiate(acceptEncoding: string | null | undefined): Coding {
  if (!acceptEncoding) return "identity";
  const named = new Map<string, number>();
  let star: number | undefined;
  for (const part of acceptEncoding.split(",")) {
    const [rawName = "", ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key = "", value = ""] = param.split("=");
      if (key.trim().toLowerCase() !== "q") continue;
      const parsed = Number(value.trim());
      // A malformed q-value makes the entry unusable rather than guessed at.
      q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0;
    }
    const coding = name === "x-gzip" ? "gzip" : name;
    if (coding === "*") star = q;
    else named.set(coding, Math.max(q, named.get(coding) ?? 0));
  }
  let best: Coding = "identity";
  let bestQ = 0;
  for (const coding of PREFERENCE) {
    // Identity counts only when the client names it; otherwise it is the fallback, not a rival of br and gzip.
    const q = named.get(coding) ?? (coding === "identity" ? undefined : star);
    if (q !== undefined && q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/**
 * Brotli 5 for bodies compressed once and kept (page-cache variants): within a few percent of the best ratio at a
 * fraction of quality 11's time (~2 ms against ~45 ms for a 27 KB page), so a cold miss stays cheap. Brotli 4 for
 * streams compressed per request. Node's brotli default is 11, far too slow for either.
 */
const STORED_BROTLI = 5;
const STREAMED_BROTLI = 4;
const GZIP_LEVEL = 6;

const brotliAsync = promisify<Buffer | Uint8Array, BrotliOptions, Buffer>(brotliCompress);
const gzipAsync = promisify<Buffer | Uint8Array, ZlibOptions, Buffer>(gzip);

/** Compresses a whole body off the main thread (zlib's async calls run on libuv's pool). */
export async function compressBytes(body: Uint8Array, coding: CompressedCoding): Promise<Uint8Array<ArrayBuffer>> {
  const out =
    coding === "br"
      ? await brotliAsync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: STORED_BROTLI,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        })
      : await gzipAsync(body, { level: GZIP_LEVEL });
  return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
}

/**
 * Compresses a stream as it arrives. Whatever has come in is flushed as soon as the source pauses (one flush per
 * turn of the event loop, not per chunk: Astro writes many small chunks back to back), so a page that waits on the
 * CMS halfway still shows its first part at once.
 */
export function compressStream(
  source: ReadableStream<Uint8Array>,
  coding: CompressedCoding,
): ReadableStream<Uint8Array> {
  const zlib =
    coding === "br"
      ? createBrotliCompress({
          params: {
            [constants.BROTLI_PARAM_QUALITY]: STREAMED_BROTLI,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        })
      : createGzip({ level: GZIP_LEVEL });
  const flushKind = coding === "br" ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
  const reader = source.getReader();
  let flushPending = false;
  let ended = false;
  const flushSoon = () => {
    if (flushPending) return;
    flushPending = true;
    setImmediate(() => {
      flushPending = false;
      if (!ended && !zlib.destroyed) zlib.flush(flushKind);
    });
  };
  // The client went away (the web stream was cancelled, which destroys zlib): stop reading, and so rendering.
  zlib.once("close", () => {
    if (!ended) void reader.cancel().catch(() => undefined); // Cancelling an already-failed source has nothing to say.
  });
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (zlib.destroyed) return;
        if (!zlib.write(value))
          await new Promise<void>((resolve) => {
            zlib.once("drain", resolve);
            zlib.once("close", resolve);
          });
        flushSoon();
      }
      ended = true;
      if (!zlib.destroyed) zlib.end();
    } catch (error) {
      // The page failed mid-render: end the compressed stream with the same error, so the connection is cut the way
      // an uncompressed page's would be (the request's log line already carries the cause).
      ended = true;
      zlib.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return Readable.toWeb(zlib) as ReadableStream<Uint8Array>;
}

/** The ETag of a compressed variant: never the identity body's, so a cache never mixes them up. */
export function variantEtag(etag: string, coding: Coding): string {
  if (coding === "identity") return etag;
  const suffix = coding === "br" ? "br" : "gz";
  const weak = etag.startsWith("W/");
  const opaque = weak ? etag.slice(2) : etag;
  const inner = opaque.startsWith('"') && opaque.endsWith('"') ? opaque.slice(1, -1) : opaque;
  return `${weak ? "W/" : ""}"${inner}-${suffix}"`;
}

/** Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for If-None-Match). */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = strip(etag);
  return ifNoneMatch.split(",").some((tag) => strip(tag) === wanted);
}

/** Adds `Accept-Encoding` to a response's Vary (keeping what is there), unless it already varies on everything. */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) {
    headers.set("vary", "Accept-Encoding");
    return;
  }
  const names = vary.split(",").map((name) => name.trim().toLowerCase());
  if (names.includes("*") || names.includes("accept-encoding")) return;
  headers.set("vary", `${vary}, Accept-Encoding`);
}
