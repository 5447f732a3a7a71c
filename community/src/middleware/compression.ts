import type { MiddlewareHandler } from "astro";
import {
  type Coding,
  compressBytes,
  compressible,
  compressStream,
  MIN_COMPRESS_BYTES,
  negotiate,
  variantEtag,
  varyOnEncoding,
} from "../lib/compression.ts";

/** Statuses whose responses carry no body to compress (RFC 9110: 1xx, 204, 304). */
const BODILESS = new Set([204, 304]);

/** A response with its own headers, so they can be changed even when the original's are immutable. */
function withHeaders(response: Response, body: BodyInit | null, headers: Headers): Response {
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The chunks already read, then a read already under way (if any), then the rest of `reader`. */
function rejoin(
  head: Uint8Array[],
  pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let next = pending;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const read = next ?? reader.read();
      next = undefined;
      const { done, value } = await read;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Resolves after the current turn of the event loop: what a stream has ready comes before it. */
const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));

/** Past this, a body that is all there is streamed anyway rather than held whole to learn its length. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Sends `response` in `coding` when it is worth it: a text type, a body of at least MIN_COMPRESS_BYTES, not yet
 * encoded, not a HEAD or a bodiless status. A body whose size is unknown (Astro streams pages) is read until the
 * threshold: one that ends before it goes out as is, with its Content-Length; one that ends soon after is compressed
 * whole, with a Content-Length; anything longer (a page still rendering) is compressed as it streams.
 */
export async function compressResponse(request: Request, response: Response): Promise<Response> {
  const encoded = response.headers.has("content-encoding");
  if (!encoded && !compressible(response.headers.get("content-type"))) return response;
  const coding: Coding = negotiate(request.headers.get("accept-encoding"));
  // A page-cache hit is already as it should be (its variant, its Vary): passed on without a copy.
  const varies = response.headers.get("vary")?.toLowerCase().includes("accept-encoding");
  if (varies && (encoded || coding === "identity")) return response;
  const headers = new Headers(response.headers);
  varyOnEncoding(headers);
  // Encoded already (anything that did its own): never twice.
  if (encoded) return withHeaders(response, response.body, headers);
  const declared = headers.get("content-length");
  const bodiless = request.method === "HEAD" || response.status < 200 || BODILESS.has(response.status);
  const small = declared !== null && Number(declared) < MIN_COMPRESS_BYTES;
  if (coding === "identity" || bodiless || small || !response.body)
    return withHeaders(response, response.body, headers);

  const reader = response.body.getReader();
  const head: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  // Wait for the threshold, then take only what is ready at once: a body built whole (JSON, RSS) is read to its end
  // and gets a Content-Length; a page still rendering is not waited for.
  while (total < MAX_BUFFERED_BYTES) {
    const read = reader.read();
    const result = total < MIN_COMPRESS_BYTES ? await read : await Promise.race([read, nextTurn()]);
    if (result === undefined) {
      pending = read;
      break;
    }
    if (result.done) {
      finished = true;
      break;
    }
    head.push(result.value);
    total += result.value.byteLength;
  }
  const etag = headers.get("etag");
  if (finished && total < MIN_COMPRESS_BYTES) {
    headers.set("content-length", String(total));
    return withHeaders(response, concat(head, total), headers);
  }
  headers.set("content-encoding", coding);
  if (etag) headers.set("etag", variantEtag(etag, coding));
  if (finished) {
    const body = await compressBytes(concat(head, total), coding);
    headers.set("content-length", String(body.byteLength));
    return withHeaders(response, body, headers);
  }
  headers.delete("content-length");
  return withHeaders(response, compressStream(rejoin(head, pending, reader), coding), headers);
}

/**
 * Compresses every text response on its way out (brotli, else gzip, by the request's Accept-Encoding) and marks it
 * `Vary: Accept-Encoding`. Cache hits arrive already compressed (the page cache keeps each variant), so they pass
 * through untouched.
 */
export const compressionMiddleware: MiddlewareHandler = async (context, next) =>
  compressResponse(context.request, await next());
