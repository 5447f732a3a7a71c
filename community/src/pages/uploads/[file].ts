import type { APIRoute } from "astro";
import { env } from "../../lib/env.ts";
import { requestLog } from "../../lib/request-context.ts";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../lib/responses.ts";

/**
 * GET /uploads/<file> — an image the CMS keeps in its own folder (covers, avatars), passed through from the CMS,
 * which browsers cannot reach in a deployment (compose publishes it on loopback only). Files kept in an S3 bucket
 * are linked where they are and never come here. Only image files by their stored names; the bytes stream through.
 */

const TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".gif": "image/gif",
};
/** A stored name (Strapi's hash and extension): letters, digits, _ . and -, no path. */
const FILE_NAME = /^[A-Za-z0-9][\w.-]{0,200}$/;
/**
 * A day, then revalidated: a new image always has a new name, but an editor may replace a cover's file in the
 * media library under the same one.
 */
const CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";
const FORWARDED = ["if-none-match", "if-modified-since"];
const RETURNED = ["etag", "last-modified", "content-length"];

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });

async function passOn(method: "GET" | "HEAD", file: string | undefined, request: Request): Promise<Response> {
  const type = TYPES[/\.[A-Za-z0-9]+$/.exec(file ?? "")?.[0]?.toLowerCase() ?? ""];
  if (!file || !FILE_NAME.test(file) || !type) return plain(404, "No such image.");
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value) headers[name] = value;
  }
  let upstream: Response;
  try {
    upstream = await fetch(`${env().CMS_URL}/uploads/${file}`, {
      method,
      headers,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    requestLog().warn({ err: error }, "the CMS did not answer for an uploaded image");
    return plain(503, "Images cannot be loaded right now.", { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  }
  const answer: Record<string, string> = { "cache-control": CACHE_CONTROL };
  for (const name of RETURNED) {
    const value = upstream.headers.get(name);
    if (value) answer[name] = value;
  }
  if (upstream.status === 304) return new Response(null, { status: 304, headers: answer });
  if (upstream.status !== 200) {
    await upstream.body?.cancel();
    if (upstream.status >= 500)
      return plain(503, "Images cannot be loaded right now.", {
        "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
      });
    return plain(404, "No such image.");
  }
  // The type is ours, from the name the CMS gave the file after checking its content, never the upstream's.
  return new Response(method === "HEAD" ? null : upstream.body, {
    status: 200,
    headers: { ...answer, "content-type": type },
  });
}

export const GET: APIRoute = ({ params, request }) => passOn("GET", params.file, request);
export const HEAD: APIRoute = ({ params, request }) => passOn("HEAD", params.file, request);
