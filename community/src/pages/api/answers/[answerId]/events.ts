import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { answerEventSchema } from "../../../../lib/ask/events.ts";
import { failedWith } from "../../../../lib/request-context.ts";
import { accepted, firstIssue, readSignedDelivery, refuse } from "../../../../lib/security/signed-delivery.ts";
import { recordAnswerEvent } from "../../../../lib/store/answers.ts";
import { deliveries } from "../../../../lib/store/replica.ts";

/** An end carries the whole answer (20,000 characters, three bytes each at most, escaped) and its citations. */
const MAX_BODY = 200_000;

/**
 * POST /api/answers/:answerId/events — the worker's signed push of an answer being written (src/lib/ask/events.ts):
 * stored in the shared store and announced, so the replica streaming it to its member sends it on. Signed like the
 * CMS's webhook (src/lib/security/signed-delivery.ts); the delivery id must be `${answerId}:${attempt}:${seq}` of the
 * body, and each delivery is acted on once (a replay answers 409 and changes nothing). An older attempt's late push
 * is accepted and dropped.
 */
export const POST: APIRoute = async ({ request, params }) => {
  const answerId = params.answerId ?? "";
  if (!isDocumentId(answerId)) return refuse(404, "not_found", "No answer has that id.");
  const signed = await readSignedDelivery(request, { maxBytes: MAX_BODY, what: "answer event" });
  if (signed instanceof Response) return signed;
  const { delivery, keys, timestamp } = signed;
  const parsed = answerEventSchema.safeParse(signed.json);
  if (!parsed.success) return refuse(400, "invalid", `Not an answer event: ${firstIssue(parsed.error)}`);
  const event = parsed.data;
  if (event.answerId !== answerId)
    return refuse(400, "invalid", `The event is about answer ${event.answerId}, not ${answerId} as the address says.`);
  const expected = `${answerId}:${event.attempt}:${event.seq}`;
  if (delivery !== expected)
    return refuse(400, "invalid", `The delivery id of this event must be ${expected} (answer:attempt:seq).`);

  if (!(await deliveries.claim(keys)))
    return refuse(409, "replayed", `Delivery ${delivery} was already accepted; each delivery is acted on once.`);
  try {
    await recordAnswerEvent(event);
  } catch (error) {
    // Nothing was stored: the worker may push it again.
    await deliveries.release(keys).catch(() => {});
    failedWith(error);
    return refuse(503, "store_unavailable", "The community's store is not answering; push the event again shortly.");
  }
  await deliveries.accept(keys, timestamp);
  return accepted({ ok: true });
};
