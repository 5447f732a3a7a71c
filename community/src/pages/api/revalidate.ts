import { type ChangeEvent, changeEventSchema } from "@inkstone/config";
import type { APIRoute } from "astro";
import { tagsForChange } from "../../lib/cache/page-cache.ts";
import { generation } from "../../lib/generation.ts";
import { failedWith, requestLog } from "../../lib/request-context.ts";
import { accepted, firstIssue, readSignedDelivery, refuse } from "../../lib/security/signed-delivery.ts";
import { announce, deliveries } from "../../lib/store/replica.ts";

const MAX_BODY = 10_000;

/**
 * What a change means beyond the caches: a blocked or deleted member's sessions are forgotten on every replica (the CMS has
 * deleted them), and their queued and running runs are cancelled.
 */
async function act(change: ChangeEvent): Promise<Record<string, unknown>> {
  if (change.model !== "member") return {};
  await announce({ kind: "sessions", userId: change.userId });
  const cancelled = await generation().cancelRunsOf(change.userId);
  requestLog().info(
    { userId: change.userId, cancelled },
    `member ${change.userId} ${change.event === "block" ? "blocked" : "deleted"}: cancelled ${cancelled} queued or running run(s)`,
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
  const signed = await readSignedDelivery(request, { maxBytes: MAX_BODY, what: "change event" });
  if (signed instanceof Response) return signed;
  const { delivery, keys, timestamp } = signed;
  const change = changeEventSchema.safeParse(signed.json);
  if (!change.success) return refuse(400, "invalid", `Not a change event: ${firstIssue(change.error)}`);

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
  await deliveries.accept(keys, timestamp);
  return accepted({ invalidated, tags, ...outcome });
};
