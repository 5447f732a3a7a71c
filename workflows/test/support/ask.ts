// Members asking Ask Inkstone through the real CMS, as the community does: sign up, create a conversation (which
// creates the queued answer), ask a follow-up; and the answer as the CMS holds it, read with the worker's token.
import { randomBytes } from "node:crypto";
import type { Locale } from "@inkstone/config";
import { expect, vi } from "vitest";
import { cmsApi } from "../../../cms/test/cms-api.ts";
import type { AnswerEvent, AskInputDraft } from "../../src/client.ts";
import type { startCms } from "./cms.ts";

type Cms = Awaited<ReturnType<typeof startCms>>;
export type Member = { jwt: string; id: string };
export type Asked = { conversationId: string; answerId: string; input: AskInputDraft };
export type StoredAnswer = {
  documentId: string;
  status: string;
  text: string;
  mode: string | null;
  model: string | null;
  citations: { n: number; documentId: string; locale: string; slug: string; title: string }[] | null;
  error: string | null;
};

export function askVia(cms: Cms) {
  const api = cmsApi(cms.env);
  const member = async (): Promise<Member> => {
    const { jwt, user } = await api.signUp(`asker${randomBytes(4).toString("hex")}`);
    return { jwt, id: user.documentId };
  };
  type Created = { data: { conversation?: { documentId: string }; answer: { documentId: string } } };
  const created = (reply: { status: number; body: Created }, what: string) => {
    if (reply.status !== 201) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.data;
  };
  return {
    member,
    /** A new conversation with `question`; the input that starts its answer. */
    async ask(asker: Member, question: string, locale: Locale): Promise<Asked> {
      const reply = await api.call<Created>("POST", "/api/conversations", {
        token: asker.jwt,
        community: true,
        body: { data: { question, locale } },
      });
      const data = created(reply, "ask");
      const conversationId = data.conversation?.documentId ?? "";
      const answerId = data.answer.documentId;
      return { conversationId, answerId, input: { answerId, conversationId, memberId: asker.id, locale, question } };
    },
    /** A follow-up in `conversationId`, with the conversation so far as its history. */
    async followUp(asker: Member, conversationId: string, question: string, locale: Locale): Promise<Asked> {
      const reply = await api.call<Created>("POST", `/api/conversations/${conversationId}/messages`, {
        token: asker.jwt,
        community: true,
        body: { data: { question } },
      });
      const answerId = created(reply, "follow-up").answer.documentId;
      const conversation = await api.call("GET", `/api/conversations/${conversationId}`, {
        token: asker.jwt,
        community: true,
      });
      const messages = conversation.body.data.messages as { documentId: string; role: string; text: string }[];
      // Oldest first: the new question and its answer are the last two.
      const history = messages
        .slice(0, -2)
        .map((message) => ({ role: message.role as "question" | "answer", text: message.text }));
      return {
        conversationId,
        answerId,
        input: { answerId, conversationId, memberId: asker.id, locale, question, history },
      };
    },
    /** The answer as the CMS holds it. */
    async answer(answerId: string): Promise<StoredAnswer> {
      const reply = await api.call("GET", `/api/conversation-answers/${answerId}`, { token: cms.token });
      if (reply.status !== 200) throw new Error(`answer ${answerId}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body.data as StoredAnswer;
    },
    /** The answer once it has `status`. */
    async answerWith(answerId: string, status: string, timeout = 30_000): Promise<StoredAnswer> {
      return vi.waitFor(
        async () => {
          const stored = await this.answer(answerId);
          expect(stored.status, `answer ${answerId}`).toBe(status);
          return stored;
        },
        { timeout, interval: 200 },
      );
    },
  };
}

/** The events of the last attempt that pushed any, checked for order: text events, then one end, seq 1..n. */
export function lastAttempt(events: readonly AnswerEvent[]) {
  const attempt = Math.max(...events.map((event) => event.attempt));
  const mine = events.filter((event) => event.attempt === attempt);
  expect(mine.map((event) => event.seq)).toEqual(mine.map((_, i) => i + 1));
  const end = mine.at(-1);
  if (end?.type !== "end") throw new Error(`attempt ${attempt} has no end yet: ${JSON.stringify(mine)}`);
  const texts = mine.slice(0, -1).map((event) => {
    if (event.type !== "text") throw new Error(`an end before the last event: ${JSON.stringify(mine)}`);
    return event.text;
  });
  return { attempt, texts, end };
}
