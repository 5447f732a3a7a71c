import { changeEventSchema } from "@inkstone/config";
import { verifyWebhook, WEBHOOK_HEADERS } from "@inkstone/config/webhook";
import type { APIRoute } from "astro";
import { pageCache, tagsForChange } from "../../lib/cache/page-cache.ts";
import { errorBody } from "../../lib/cms/errors.ts";
import { env } from "../../lib/env.ts";

const NO_STORE = { "cache-control": "no-store" };

/**
 * POST /api/revalidate — the CMS's signed webhook: drops the cached pages that show what changed. Authenticated by
 * its HMAC signature over the timestamp and raw body (within five minutes), not by Origin: it is server to server.
 * A replayed delivery only drops the same pages again, so deliveries need no bookkeeping.
 */
export const POST: APIRoute = async ({ request }) => {
  const body = await request.text();
  if (body.length > 10_000)
    return Response.json(errorBody("too_large", "The change event is larger than 10,000 characters."), {
      status: 413,
      headers: NO_STORE,
    });
  const ok = verifyWebhook({
    secret: env().COMMUNITY_WEBHOOK_SECRET,
    timestamp: request.headers.get(WEBHOOK_HEADERS.timestamp),
    signature: request.headers.get(WEBHOOK_HEADERS.signature),
    body,
  });
  if (!ok)
    return Response.json(
      errorBody(
        "bad_signature",
        "Missing, wrong or expired signature: sign with COMMUNITY_WEBHOOK_SECRET, within five minutes.",
      ),
      { status: 401, headers: NO_STORE },
    );
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Signed but not JSON: the sender's bug, answered as such.
    return Response.json(errorBody("malformed", "The body is not JSON."), { status: 400, headers: NO_STORE });
  }
  const change = changeEventSchema.safeParse(json);
  if (!change.success) {
    const issue = change.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return Response.json(errorBody("invalid", `Not a change event: ${where}${issue?.message ?? "unknown shape"}`), {
      status: 400,
      headers: NO_STORE,
    });
  }
  const tags = tagsForChange(change.data);
  const invalidated = pageCache.invalidate(tags);
  return Response.json({ data: { invalidated, tags } }, { headers: NO_STORE });
};
