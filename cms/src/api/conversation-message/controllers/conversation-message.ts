import { documentIdSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import {
  answerConflicts,
  answerUpdateBody,
  CONVERSATION,
  Conflict,
  type ConversationRow,
  isFinal,
  lockConversation,
  MESSAGE,
  type MessageRow,
  messageShape,
  noQuery,
  sentQuery,
  transitionProblem,
} from "../../../lib/conversations.ts";
import { parse } from "../../../lib/validate.ts";

const answerParams = z.object({ answerId: documentIdSchema });

type Ctx = {
  request: { body?: { data?: unknown } };
  query: unknown;
  params: Record<string, string | undefined>;
  status?: number;
  body: unknown;
};
type Answer = MessageRow & { conversation: ConversationRow };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The answer `answerId` with its conversation, or 404 (a question, or an answer whose conversation is gone). */
  const answer = async (answerId: string): Promise<Answer> => {
    const found = (await strapi
      .documents(MESSAGE)
      .findFirst({ filters: { documentId: answerId, role: "answer" }, populate: { conversation: true } })) as unknown as
      | MessageRow
      | undefined;
    if (!found?.conversation) throw new errors.NotFoundError("No answer with that id.");
    return found as Answer;
  };

  return {
    /** GET /conversation-answers/:answerId — the answer and which conversation it is in. */
    async findAnswer(ctx: Ctx) {
      parse(noQuery, sentQuery(ctx.query));
      const { answerId } = parse(answerParams, ctx.params);
      const found = await answer(answerId);
      ctx.body = { data: { ...messageShape(found), conversation: { documentId: found.conversation.documentId } } };
    },

    /**
     * PUT /conversation-answers/:answerId {status, text?, mode?, model?, citations?, error?} — saves the answer as
     * the worker writes it: queued → streaming → done, stopped or failed. A final answer accepts the same save again
     * (a retried activity) and refuses anything else with 409. Each change marks the conversation active.
     */
    async saveAnswer(ctx: Ctx) {
      const input = parse(answerUpdateBody, ctx.request.body?.data);
      parse(noQuery, sentQuery(ctx.query));
      const { answerId } = parse(answerParams, ctx.params);
      const { conversation } = await answer(answerId);
      await answerConflicts(ctx, async () => {
        const saved = await strapi.db.transaction(async ({ trx }) => {
          await lockConversation(trx, conversation.documentId);
          // Again under the lock: the member may have deleted the conversation, or another attempt saved first.
          const current = await answer(answerId);
          const problem = transitionProblem(current.status, current.text ?? "", input);
          if (problem) throw new Conflict(problem);
          if (isFinal(current.status)) return current;
          const { status, ...fields } = input;
          const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
          const updated = await strapi
            .documents(MESSAGE)
            .update({ documentId: answerId, data: { status, ...changes } } as never);
          await strapi.documents(CONVERSATION).update({
            documentId: conversation.documentId,
            data: { lastActivityAt: new Date().toISOString() },
          } as never);
          return updated as unknown as MessageRow;
        });
        ctx.body = { data: messageShape(saved) };
      });
    },
  };
};
