import { documentIdSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { refusedUnverified } from "../../../lib/accounts/members.ts";
import {
  answerConflicts,
  CONVERSATION,
  Conflict,
  type ConversationRow,
  conversationSummary,
  createBody,
  followUpBody,
  listQuery,
  lockConversation,
  lockMemberConversations,
  MAX_CONVERSATIONS,
  MAX_QUESTIONS,
  MESSAGE,
  type MessageRow,
  messageShape,
  noQuery,
  PENDING,
  renameBody,
  sentQuery,
  titleFrom,
} from "../../../lib/conversations.ts";
import { currentProfile, type Profile } from "../../../lib/members.ts";
import { parse } from "../../../lib/validate.ts";

const conversationParams = z.object({ documentId: documentIdSchema });
const answerParams = z.object({ documentId: documentIdSchema, answerId: documentIdSchema });

type Ctx = {
  request: { body?: { data?: unknown } };
  query: unknown;
  params: Record<string, string | undefined>;
  state: { user?: { id: number; confirmed?: boolean | null } };
  status?: number;
  body: unknown;
};

const NOT_FOUND = "No such conversation.";

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const conversations = () => strapi.documents(CONVERSATION);
  const messages = () => strapi.documents(MESSAGE);

  /** The member's conversation `documentId`, or 404 — whether it is someone else's or does not exist. */
  const own = async (profile: Profile, documentId: string): Promise<ConversationRow> => {
    const found = await conversations().findFirst({ filters: { documentId, member: { id: profile.id } } });
    if (!found) throw new errors.NotFoundError(NOT_FOUND);
    return found as unknown as ConversationRow;
  };
  /** The conversation id the path names (400 when it is none) and the signed-in member. */
  const fromPath = async (ctx: Ctx) => {
    const { documentId } = parse(conversationParams, ctx.params);
    const profile = await currentProfile(strapi, ctx);
    return { profile, documentId };
  };
  /** Its messages, oldest first (ids grow with each one created: a question and its answer share a moment). */
  const messagesOf = async (conversationId: number) =>
    (await messages().findMany({
      filters: { conversation: { id: conversationId } },
      sort: "id:asc",
      limit: MAX_QUESTIONS * 2,
    })) as unknown as MessageRow[];

  /** A question and its answer (queued, empty) at the end of the conversation. */
  const ask = async (conversation: ConversationRow, text: string) => {
    const create = async (data: Pick<MessageRow, "role" | "text" | "status">) =>
      (await messages().create({
        data: { conversation: conversation.documentId, citations: [], ...data },
      } as never)) as unknown as MessageRow;
    const question = await create({ role: "question", text, status: "done" });
    const answer = await create({ role: "answer", text: "", status: "queued" });
    return { question: messageShape(question), answer: messageShape(answer) };
  };

  return {
    /** GET /conversations?page=&pageSize= — the member's conversations, most recently active first. */
    async list(ctx: Ctx) {
      const { page, pageSize } = parse(listQuery, sentQuery(ctx.query));
      const profile = await currentProfile(strapi, ctx);
      const filters = { member: { id: profile.id } };
      const [rows, total] = await Promise.all([
        conversations().findMany({
          filters,
          sort: [{ lastActivityAt: "desc" }, { id: "desc" }],
          start: (page - 1) * pageSize,
          limit: pageSize,
        }),
        conversations().count({ filters }),
      ]);
      ctx.body = {
        data: (rows as unknown as ConversationRow[]).map(conversationSummary),
        meta: { pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) } },
      };
    },

    /** POST /conversations {question, locale} — a new conversation, its question and the answer to write, at once. */
    async create(ctx: Ctx) {
      const input = parse(createBody, ctx.request.body?.data);
      parse(noQuery, sentQuery(ctx.query));
      const profile = await currentProfile(strapi, ctx);
      if (refusedUnverified(ctx)) return;
      await answerConflicts(ctx, async () => {
        const created = await strapi.db.transaction(async ({ trx }) => {
          await lockMemberConversations(trx, profile.id);
          if ((await conversations().count({ filters: { member: { id: profile.id } } })) >= MAX_CONVERSATIONS)
            throw new Conflict(
              `You have ${MAX_CONVERSATIONS} conversations, as many as one member may keep. Delete old ones to start a new one.`,
            );
          const conversation = (await conversations().create({
            data: {
              member: profile.documentId,
              title: titleFrom(input.question, input.locale),
              language: input.locale,
              lastActivityAt: new Date().toISOString(),
            },
          } as never)) as unknown as ConversationRow;
          return { conversation: conversationSummary(conversation), ...(await ask(conversation, input.question)) };
        });
        ctx.status = 201;
        ctx.body = { data: created };
      });
    },

    /** GET /conversations/:documentId — the conversation with its messages, oldest first. */
    async findOne(ctx: Ctx) {
      parse(noQuery, sentQuery(ctx.query));
      const { profile, documentId } = await fromPath(ctx);
      const conversation = await own(profile, documentId);
      const rows = await messagesOf(conversation.id);
      ctx.body = { data: { ...conversationSummary(conversation), messages: rows.map(messageShape) } };
    },

    /** PUT /conversations/:documentId {title} — renames it. */
    async rename(ctx: Ctx) {
      const { title } = parse(renameBody, ctx.request.body?.data);
      parse(noQuery, sentQuery(ctx.query));
      const { profile, documentId } = await fromPath(ctx);
      await own(profile, documentId);
      const updated = await conversations().update({ documentId, data: { title } } as never);
      if (!updated) throw new errors.NotFoundError(NOT_FOUND);
      ctx.body = { data: conversationSummary(updated as unknown as ConversationRow) };
    },

    /**
     * DELETE /conversations/:documentId — the conversation and all its messages, in one transaction. Answers that
     * were still queued or being written are named, so the community cancels their work.
     */
    async delete(ctx: Ctx) {
      parse(noQuery, sentQuery(ctx.query));
      const { profile, documentId } = await fromPath(ctx);
      const pendingAnswers = await strapi.db.transaction(async ({ trx }) => {
        await lockConversation(trx, documentId);
        const conversation = await own(profile, documentId);
        const rows = await messagesOf(conversation.id);
        // db.query: one DELETE for every message (their links to the conversation go with them, by foreign key),
        // where the Document Service would delete them one at a time.
        if (rows.length) await strapi.db.query(MESSAGE).deleteMany({ where: { id: { $in: rows.map((m) => m.id) } } });
        await conversations().delete({ documentId });
        return rows.filter((m) => m.role === "answer" && PENDING.includes(m.status)).map((m) => m.documentId);
      });
      ctx.body = { data: { documentId, pendingAnswers } };
    },

    /** POST /conversations/:documentId/messages {question} — a follow-up; 409 while an answer is still pending. */
    async followUp(ctx: Ctx) {
      const input = parse(followUpBody, ctx.request.body?.data);
      parse(noQuery, sentQuery(ctx.query));
      const { profile, documentId } = await fromPath(ctx);
      if (refusedUnverified(ctx)) return;
      await answerConflicts(ctx, async () => {
        const asked = await strapi.db.transaction(async ({ trx }) => {
          await lockConversation(trx, documentId);
          const conversation = await own(profile, documentId);
          const rows = await messagesOf(conversation.id);
          if (rows.some((m) => m.role === "answer" && PENDING.includes(m.status)))
            throw new Conflict("An answer in this conversation is still being written.");
          if (rows.filter((m) => m.role === "question").length >= MAX_QUESTIONS)
            throw new Conflict(
              `This conversation has ${MAX_QUESTIONS} questions, as many as one may hold. Start a new conversation.`,
            );
          const turn = await ask(conversation, input.question);
          await conversations().update({ documentId, data: { lastActivityAt: new Date().toISOString() } } as never);
          return turn;
        });
        ctx.status = 201;
        ctx.body = { data: asked };
      });
    },

    /**
     * DELETE /conversations/:documentId/answers/:answerId — takes back a question whose answer could not be queued:
     * the answer and the question before it, while the answer is still queued. A conversation left empty goes too.
     */
    async rollback(ctx: Ctx) {
      parse(noQuery, sentQuery(ctx.query));
      const { documentId, answerId } = parse(answerParams, ctx.params);
      const profile = await currentProfile(strapi, ctx);
      await answerConflicts(ctx, async () => {
        const conversationDeleted = await strapi.db.transaction(async ({ trx }) => {
          await lockConversation(trx, documentId);
          const conversation = await own(profile, documentId);
          const rows = await messagesOf(conversation.id);
          const at = rows.findIndex((m) => m.documentId === answerId && m.role === "answer");
          const answer = rows[at];
          if (!answer) throw new errors.NotFoundError("No such answer in this conversation.");
          if (answer.status !== "queued")
            throw new Conflict(`This answer is ${answer.status} already; cancel it instead of taking it back.`);
          const question = rows[at - 1]?.role === "question" ? rows[at - 1] : undefined;
          const gone = question ? [question, answer] : [answer];
          for (const m of gone) await messages().delete({ documentId: m.documentId });
          if (rows.length > gone.length) return false;
          await conversations().delete({ documentId });
          return true;
        });
        ctx.body = { data: { conversationDeleted } };
      });
    },
  };
};
