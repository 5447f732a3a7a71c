import type { APIRoute } from "astro";
import { z } from "zod";
import { pageCache, tagsForChange } from "../../lib/cache/page-cache.ts";
import { errorBody } from "../../lib/cms/errors.ts";
import { env } from "../../lib/env.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../../lib/security/webhook.ts";

const id = z.string().regex(/^[a-z0-9]{10,40}$/);
const locale = z.enum(["zh-CN", "en"]);
const changeSchema = z.discriminatedUnion("model", [
  z.object({ model: z.literal("article"), event: z.string().max(40), documentId: id, locale: locale.nullable() }),
  z.object({ model: z.literal("comment"), event: z.string().max(40), articleDocumentId: id, locale }),
]);

/**
 * POST /api/revalidate — the CMS's signed webhook: drops the cached pages that show what changed. Authenticated by
 * its HMAC signature over the timestamp and raw body (within five minutes), not by Origin: it is server to server.
 */
export const POST: APIRoute = async ({ request }) => {
  const body = await request.text();
  if (body.length > 10_000) return Response.json(errorBody("too_large", "Body too large."), { status: 413 });
  const ok = verifyWebhook({
    secret: env().COMMUNITY_WEBHOOK_SECRET,
    timestamp: request.headers.get(TIMESTAMP_HEADER),
    signature: request.headers.get(SIGNATURE_HEADER),
    body,
  });
  if (!ok)
    return Response.json(errorBody("bad_signature", "Missing, wrong or expired signature."), {
      status: 401,
      headers: { "cache-control": "no-store" },
    });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return Response.json(errorBody("malformed", "The body is not JSON."), { status: 400 });
  }
  const change = changeSchema.safeParse(json);
  if (!change.success)
    return Response.json(errorBody("invalid", `Not a change event: ${change.error.issues[0]?.message ?? ""}`), {
      status: 400,
    });
  const tags = tagsForChange(change.data);
  const invalidated = pageCache.invalidate(tags);
  return Response.json({ data: { invalidated, tags } }, { headers: { "cache-control": "no-store" } });
};
