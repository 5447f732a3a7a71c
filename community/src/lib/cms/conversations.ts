import type { Locale } from "@inkstone/config";
import { z } from "zod";
import { answerModeSchema, answerStatusSchema, citationSchema } from "../ask/events.ts";
import { cms } from "./http.ts";
import { dataOf, listOf, localeSchema } from "./schemas.ts";

/** Ask Inkstone's conversations in the CMS, always as the member who owns them (their JWT): anyone else's is a 404. */

const as = (jwt: string) => ({ as: "member", jwt }) as const;
const path = (documentId: string, rest = "") => `/api/conversations/${encodeURIComponent(documentId)}${rest}`;

/** Questions and titles as the CMS takes them (it checks the same, and says why in English). */
export const QUESTION_MAX = 2000;
export const TITLE_MAX = 120;

export const conversationSummarySchema = z.object({
  documentId: z.string(),
  title: z.string(),
  locale: localeSchema,
  lastActivityAt: z.string().nullish(),
  createdAt: z.string(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const messageSchema = z.object({
  documentId: z.string(),
  role: z.enum(["question", "answer"]),
  text: z
    .string()
    .nullish()
    .transform((text) => text ?? ""),
  status: answerStatusSchema,
  mode: answerModeSchema.nullish().transform((mode) => mode ?? null),
  model: z
    .string()
    .nullish()
    .transform((model) => model ?? null),
  // A citation the CMS holds in another shape is dropped, not fatal: the answer still shows.
  citations: z
    .array(z.unknown())
    .nullish()
    .transform((list) =>
      (list ?? []).flatMap((item) => {
        const citation = citationSchema.safeParse(item);
        return citation.success ? [citation.data] : [];
      }),
    ),
  error: z
    .string()
    .nullish()
    .transform((error) => error ?? null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = conversationSummarySchema.extend({ messages: z.array(messageSchema) });
export type Conversation = z.infer<typeof conversationSchema>;

const turnSchema = z.object({ question: messageSchema, answer: messageSchema });

/** The member's conversations, most recently active first. */
export const myConversations = (jwt: string, page: number, pageSize = 20) =>
  cms("/api/conversations", listOf(conversationSummarySchema), { auth: as(jwt), query: { page, pageSize } });

/** A new conversation with its first question and the (queued) answer to it. */
export const startConversation = (jwt: string, data: { question: string; locale: Locale }) =>
  cms("/api/conversations", dataOf(turnSchema.extend({ conversation: conversationSummarySchema })), {
    auth: as(jwt),
    method: "POST",
    body: { data },
  });

/** The conversation with its messages, oldest first; CmsError not_found when it is not the member's. */
export const myConversation = (jwt: string, documentId: string) =>
  cms(path(documentId), dataOf(conversationSchema), { auth: as(jwt) });

export const renameConversation = (jwt: string, documentId: string, title: string) =>
  cms(path(documentId), dataOf(conversationSummarySchema), { auth: as(jwt), method: "PUT", body: { data: { title } } });

/** Deletes it with its messages; names the answers that were still queued or being written (to cancel). */
export const deleteConversation = (jwt: string, documentId: string) =>
  cms(path(documentId), dataOf(z.object({ documentId: z.string(), pendingAnswers: z.array(z.string()) })), {
    auth: as(jwt),
    method: "DELETE",
  });

/** A follow-up question and its queued answer; CmsError conflict while an answer in it is still pending. */
export const askFollowUp = (jwt: string, documentId: string, question: string) =>
  cms(path(documentId, "/messages"), dataOf(turnSchema), {
    auth: as(jwt),
    method: "POST",
    body: { data: { question } },
  });

/** Takes back a question whose answer could not be queued (the answer still queued), and the conversation if empty. */
export const withdrawQuestion = (jwt: string, documentId: string, answerId: string) =>
  cms(
    path(documentId, `/answers/${encodeURIComponent(answerId)}`),
    dataOf(z.object({ conversationDeleted: z.boolean() })),
    { auth: as(jwt), method: "DELETE" },
  );
