// A browser's side of Ask Inkstone for the bench: ask through the community's form endpoint, then read the answer's
// server-sent events as EventSource would, noting when each arrives.
import type { Member } from "../community/members.ts";

export type StreamEvent = { event: string; id?: string; data: string; at: number };

/** Asks `question` as `member` (POST /api/ask, answered as JSON); the ids the community gives back. */
export async function ask(
  base: string,
  member: Member,
  question: string,
): Promise<{ conversationId: string; answerId: string }> {
  const response = await fetch(`${base}/api/ask`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: member.cookie,
      origin: new URL(base).origin,
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": member.address,
    },
    body: new URLSearchParams({ question, locale: "en", next: "/en/ask" }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`asking answered ${response.status}: ${text}`);
  const data = (JSON.parse(text) as { data?: { conversationId?: string; answerId?: string } }).data;
  if (!data?.conversationId || !data.answerId) throw new Error(`asking answered without ids: ${text}`);
  return { conversationId: data.conversationId, answerId: data.answerId };
}

/**
 * Reads the answer's event stream until its `end` (or `untilMs`); calls `onEvent` as each event arrives. Throws when
 * the stream cannot be opened or breaks before the end.
 */
export async function readAnswer(
  base: string,
  member: Member,
  ids: { conversationId: string; answerId: string },
  onEvent: (event: StreamEvent) => void = () => {},
  untilMs = 120_000,
): Promise<StreamEvent[]> {
  const response = await fetch(
    `${base}/api/answers/${ids.answerId}/stream?conversation=${ids.conversationId}&locale=en`,
    {
      headers: { cookie: member.cookie, accept: "text/event-stream", "x-forwarded-for": member.address },
      signal: AbortSignal.timeout(untilMs),
    },
  );
  if (response.status !== 200 || !response.body) throw new Error(`the stream answered ${response.status}`);
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf("\n\n");
      const event: StreamEvent = { event: "message", data: "", at: performance.timeOrigin + performance.now() };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.event = value;
        else if (field === "id") event.id = value;
        else if (field === "data") event.data += event.data ? `\n${value}` : value;
      }
      if (!block.split("\n").some((line) => line.startsWith("data"))) continue;
      events.push(event);
      onEvent(event);
      if (event.event === "end") return events;
    }
  }
  throw new Error(`the stream ended after ${events.length} events without an end`);
}
