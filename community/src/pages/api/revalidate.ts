import { type ChangeEvent, changeEventSchema } from "@inkstone/config";
import { verifyWebhook, WEBHOOK_HEADERS } from "@inkstone/config/webhook";
import type { APIRoute } from "astro";
import { tagsForChange } from "../../lib/cache/page-cache.ts";
import { errorBody } from "../../lib/cms/errors.ts";
import { env } from "../../lib/env.ts";
import { generation } from "../../lib/generation.ts";
import { failedWith, requestLog } from "../../lib/request-context.ts";
import { Deliveries } from "../../lib/security/deliveries.ts";
import { readBody, utf8 } from "../../lib/security/input.ts";
import { announce, deliveries } from "../../lib/store/replica.ts";

const NO_STORE = { "cache-control": "no-store" };
const MAX_BODY = 10_000;
/** What the CMS sends as x-inkstone-delivery: a UUID, or any id of these characters. */
const DELIVERY_ID = /^[A-Za-z0-9_.:-]{8,128}$/;

const refuse = (status: number, code: string, message: string) =>
  Response.json(errorBody(code, message), { status, headers: NO_STORE });

/**
 * What a change means beyond the caches: a blocked member's sessions are forgotten on every replica (the CMS has
 * deleted them), and their queued and running runs are cancelled.
 */
async function act(change: ChangeEvent): Promise<Record<string, unknown>> {
  if (change.model !== "member") return {};
  await announce({ kind: "sessions", userId: change.userId });
  const cancelled = await generation().cancelRunsOf(change.userId);
  requestLog().info(
    { userId: change.userId, cancelled },
    `member ${change.userId} blocked: cancelled ${cancelled} queued or running run(s)`,
  );
  return { cancelled };
}

/**
 * POST /api/revalidate — the CMS's signed webhook: drops the cached pages and data that show what changed, on every
 * replica (whichever one the proxy sent it to tells the others), and signs a blocked member out and cancels their
 * runs. Authenticated by its HMAC signature over the timestamp and raw body (within five minutes),
 * not by Origin: it is server to server. Each delivery is acted on once: a replay (the same x-inkstone-delivery, or
 * the same signature under another id) answers 409 and changes nothing.
 */
export const POST: APIRoute = async ({ request }) => {
  const read = await readBody(request, MAX_BODY);
  if ("tooLarge" in read) return refuse(413, "too_large", `The change event is larger than ${MAX_BODY} bytes.`);
  const body = "bytes" in read ? utf8(read.bytes) : undefined;
  if (body === undefined) return refuse(400, "malformed", "The body could not be read as UTF-8 text.");
  const timestamp = request.headers.get(WEBHOOK_HEADERS.timestamp);
  const signature = request.headers.get(WEBHOOK_HEADERS.signature);
  if (!verifyWebhook({ secret: env().COMMUNITY_WEBHOOK_SECRET, timestamp, signature, body }))
    return refuse(
      401,
      "bad_signature",
      "Missing, wrong or expired signature: sign with COMMUNITY_WEBHOOK_SECRET, within five minutes.",
    );
  const delivery = request.headers.get(WEBHOOK_HEADERS.delivery) ?? "";
  if (!DELIVERY_ID.test(delivery))
    return refuse(
      400,
      "missing_delivery",
      `Send a unique ${WEBHOOK_HEADERS.delivery} header (8–128 letters, digits, '.', '_', ':' or '-') with each delivery.`,
    );
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Signed but not JSON: the sender's bug, answered as such.
    return refuse(400, "malformed", "The body is not JSON.");
  }
  const change = changeEventSchema.safeParse(json);
  if (!change.success) {
    const issue = change.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return refuse(400, "invalid", `Not a change event: ${where}${issue?.message ?? "unknown shape"}`);
  }

  const keys = Deliveries.keys(delivery, signature ?? "");
  if (!(await deliveries.claim(keys)))
    return refuse(409, "replayed", `Delivery ${delivery} was already accepted; each delivery is acted on once.`);
  let outcome: Record<string, unknown>;
  try {
    outcome = await act(change.data);
  } catch (error) {
    // Nothing was done: the CMS may deliver it again.
    await deliveries.release(keys).catch(() => {});
    failedWith(error);
    return refuse(
      503,
      "generation_unavailable",
      "Generation could not be reached to cancel the member's runs; deliver the event again shortly.",
    );
  }
  const tags = tagsForChange(change.data);
  // The pages this replica dropped; the others drop theirs as the announcement reaches them.
  const invalidated = tags.length ? await announce({ kind: "tags", tags }) : 0;
  await deliveries.accept(keys, Number(timestamp));
  return Response.json({ data: { invalidated, tags, ...outcome } }, { headers: NO_STORE });
};
