// A stand-in for the community's answer events endpoint (POST /api/answers/:answerId/events): it verifies each push
// as the community must (the webhook signature, the delivery id, the body's shape) and records what it accepted.
import { verifyWebhook, WEBHOOK_HEADERS } from "@inkstone/config/webhook";
import { type AnswerEvent, answerEventSchema } from "../../src/ask/contract.ts";
import { listen, readBody } from "./http.ts";

export type ReceivedEvent = { event: AnswerEvent; delivery: string; at: number };
export type RefusedPush = { status: number; reason: string };

export async function startAnswerEvents(secret: string) {
  const received: ReceivedEvent[] = [];
  const refused: RefusedPush[] = [];
  const deliveries = new Set<string>();
  /** Pushes still to answer 503 (the community unreachable for a moment), and how many were. */
  const outage = { remaining: 0, refused: 0 };

  const http = await listen(async (request, response) => {
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const refuse = (status: number, reason: string) => {
      refused.push({ status, reason });
      reply(status, { error: { message: reason } });
    };
    const route = /^\/api\/answers\/([a-z0-9]+)\/events$/.exec(request.url ?? "");
    if (request.method !== "POST" || !route) return refuse(404, `no route ${request.method} ${request.url}`);
    const body = await readBody(request);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : null;
    };
    const signed = verifyWebhook({
      secret,
      timestamp: header(WEBHOOK_HEADERS.timestamp),
      signature: header(WEBHOOK_HEADERS.signature),
      body,
    });
    if (!signed) return refuse(401, "bad signature");
    if (outage.remaining > 0) {
      outage.remaining--;
      outage.refused++;
      return reply(503, { error: { message: "unavailable" } });
    }
    let parsed: ReturnType<typeof answerEventSchema.safeParse>;
    try {
      parsed = answerEventSchema.safeParse(JSON.parse(body));
    } catch {
      return refuse(400, "not JSON");
    }
    if (!parsed.success) return refuse(400, parsed.error.message);
    const event = parsed.data;
    const delivery = header(WEBHOOK_HEADERS.delivery) ?? "";
    if (event.answerId !== route[1]) return refuse(400, "the body's answer is not the path's");
    if (delivery !== `${event.answerId}:${event.attempt}:${event.seq}`) return refuse(400, `delivery ${delivery}`);
    if (deliveries.has(delivery)) return reply(409, { error: { code: "replayed" } });
    deliveries.add(delivery);
    received.push({ event, delivery, at: Date.now() });
    reply(200, { data: { ok: true } });
  });

  return {
    url: http.url,
    received,
    refused,
    outage,
    /** The accepted events of `answerId`, in the order they arrived. */
    of: (answerId: string) => received.filter(({ event }) => event.answerId === answerId).map(({ event }) => event),
    close: http.close,
  };
}
