import { LOCALES } from "@inkstone/config";
import type { Knex } from "knex";
import { z } from "zod";
import { textProblem } from "./text.ts";

/**
 * Ask Inkstone's conversations: a member's questions and the worker's answers. What the member routes
 * (api/conversation) and the worker's routes (api/conversation-message) share: limits, input schemas, the shapes
 * they answer with, and the answer's status machine.
 */
export const CONVERSATION = "api::conversation.conversation";
export const MESSAGE = "api::conversation-message.conversation-message";

/** Conversations one member may keep: the 501st is refused until they delete some. */
export const MAX_CONVERSATIONS = 500;
/** Questions in one conversation: a bound on what reading it costs; beyond, the member starts a new one. */
export const MAX_QUESTIONS = 100;
const QUESTION_MAX = 2000;
const TITLE_MAX = 120;
/** A title made from the question keeps this much of it (then "…"). */
const TITLE_FROM_QUESTION = 80;
const ANSWER_MAX = 20_000;

export const STATUSES = ["queued", "streaming", "done", "stopped", "failed"] as const;
export type Status = (typeof STATUSES)[number];
const FINAL: readonly Status[] = ["done", "stopped", "failed"];
/** Where an unfinished answer may go next. Streaming again is a retried attempt starting over. */
const NEXT: Record<Status, readonly Status[]> = {
  queued: ["streaming", "stopped", "failed"],
  streaming: ["streaming", "done", "stopped", "failed"],
  done: [],
  stopped: [],
  failed: [],
};
/** Answers still being written: a follow-up waits for them, a deleted conversation cancels them. */
export const PENDING: readonly Status[] = ["queued", "streaming"];

// The 409 of conversations is the one every member route answers (lib/validate.ts).
export { answerConflicts, Conflict } from "./validate.ts";

/** Serialises every write to one conversation (follow-ups, answers, rollbacks, deletion) in the caller's transaction. */
export async function lockConversation(trx: Knex.Transaction, documentId: string): Promise<void> {
  await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`conversation:${documentId}`]);
}

/** Serialises creating a member's conversations, so two at once cannot both slip under the limit. */
export async function lockMemberConversations(trx: Knex.Transaction, profileId: number): Promise<void> {
  await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`conversations-of:${profileId}`]);
}

/** Text a member typed: trimmed (Windows line breaks made plain), no control characters, within `max`. */
const typed = (what: string, max: number, { lines }: { lines: boolean }) =>
  z
    .string({ error: `expected the ${what} as text` })
    .transform((value) => value.replace(/\r\n?/g, "\n").trim())
    .superRefine((value, ctx) => {
      const problem = textProblem(value, { lines });
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      else if (!value) ctx.addIssue({ code: "custom", message: `write the ${what}` });
      else if (value.length > max)
        ctx.addIssue({ code: "custom", message: `at most ${max.toLocaleString("en")} characters` });
    });

const question = typed("question", QUESTION_MAX, { lines: true });
const locale = z.enum(LOCALES, { error: "expected en or zh-CN" });

export const createBody = z.strictObject({ question, locale });
export const followUpBody = z.strictObject({ question });
export const renameBody = z.strictObject({ title: typed("title", TITLE_MAX, { lines: false }) });
export const listQuery = z.strictObject({
  page: pageNumber("page", 1000).default(1),
  pageSize: pageNumber("pageSize", 50).default(20),
});
/** Routes that read no query refuse one, rather than let a caller believe it did something. */
export const noQuery = z.strictObject({});

/** The query the caller sent: global::published-only adds `status=published` to every content-API request. */
export function sentQuery(query: unknown): Record<string, unknown> {
  const { status: _pinned, ...sent } = (query ?? {}) as Record<string, unknown>;
  return sent;
}

function pageNumber(name: string, max: number) {
  return z
    .string({ error: `expected ${name} as a whole number` })
    .regex(/^\d{1,6}$/, { error: `expected ${name} as a whole number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: "at least 1" })
        .max(max, { error: `at most ${max}` }),
    );
}

const citation = z.strictObject({
  n: z.number({ error: "expected a number" }).int({ error: "expected a whole number" }).min(1).max(50),
  documentId: z.string().regex(/^[a-z0-9]{10,40}$/, { error: "expected a document id" }),
  locale,
  slug: z.string().regex(/^[A-Za-z0-9._~-]{1,200}$/, { error: "expected an article's slug" }),
  title: z.string().min(1).max(200),
});

/** PUT /conversation-answers/:answerId — what the worker saves of an answer. */
export const answerUpdateBody = z
  .strictObject({
    status: z.enum(["streaming", "done", "stopped", "failed"], {
      error: "expected streaming, done, stopped or failed",
    }),
    text: z
      .string({ error: "expected text" })
      .max(ANSWER_MAX, { error: `at most ${ANSWER_MAX.toLocaleString("en")} characters` })
      .superRefine((value, ctx) => {
        const problem = textProblem(value, { lines: true });
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    mode: z.enum(["model", "extractive"], { error: "expected model or extractive" }).nullable().optional(),
    model: z.string({ error: "expected the model's name" }).max(200).nullable().optional(),
    citations: z
      .array(citation, { error: "expected a list of citations" })
      .max(50, { error: "at most 50 citations" })
      .superRefine((list, ctx) => {
        // The worker numbers what the text cites 1..k: each number once, none past the list.
        const seen = new Set<number>();
        for (const [i, { n }] of list.entries()) {
          if (seen.has(n) || n > list.length)
            ctx.addIssue({ code: "custom", path: [i, "n"], message: `expected each of 1..${list.length} once` });
          seen.add(n);
        }
      })
      .optional(),
    error: z.string({ error: "expected text" }).max(500, { error: "at most 500 characters" }).nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.error && input.status !== "failed")
      ctx.addIssue({ code: "custom", path: ["error"], message: "only a failed answer says why it failed" });
  });
export type AnswerUpdate = z.infer<typeof answerUpdateBody>;

/**
 * Why the answer may not go from `current` (its text `currentText`) as `update` asks, or undefined when it may.
 * A final answer takes the same final status and text again (a retried save) and nothing else.
 */
export function transitionProblem(current: Status, currentText: string, update: AnswerUpdate): string | undefined {
  if (FINAL.includes(current)) {
    if (update.status === current && (update.text === undefined || update.text === currentText)) return undefined;
    return `This answer is ${current} already; it cannot change any more.`;
  }
  if (!NEXT[current].includes(update.status)) return `An answer that is ${current} cannot become ${update.status}.`;
  return undefined;
}
export const isFinal = (status: Status) => FINAL.includes(status);

/**
 * A title from the question: its first 80 characters on one line, cut where a word ends (a character, for a word
 * longer than that), with "…" when something was cut. Word boundaries come from the question's language, so
 * Chinese is cut between words too.
 */
export function titleFrom(question: string, language: string): string {
  const line = question.replace(/\s+/g, " ").trim();
  if (line.length <= TITLE_FROM_QUESTION) return line;
  const upTo = (granularity: "word" | "grapheme") => {
    let kept = "";
    for (const { segment } of new Intl.Segmenter(language, { granularity }).segment(line)) {
      if (kept.length + segment.length > TITLE_FROM_QUESTION) break;
      kept += segment;
    }
    return kept.trimEnd();
  };
  return `${upTo("word") || upTo("grapheme")}…`;
}

/** A conversation row as the Document Service reads it. */
export type ConversationRow = {
  id: number;
  documentId: string;
  title: string;
  language: string;
  lastActivityAt: string;
  createdAt: string;
};
/** A message row as the Document Service reads it (with its conversation when populated). */
export type MessageRow = {
  id: number;
  documentId: string;
  role: "question" | "answer";
  text: string | null;
  status: Status;
  mode: "model" | "extractive" | null;
  model: string | null;
  citations: unknown;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  conversation?: ConversationRow | null;
};

/** A conversation as the member routes answer it (in lists and on its own). */
export const conversationSummary = (c: ConversationRow) => ({
  documentId: c.documentId,
  title: c.title,
  locale: c.language,
  lastActivityAt: c.lastActivityAt,
  createdAt: c.createdAt,
});

/** A question or an answer, as every route answers it. */
export const messageShape = (m: MessageRow) => ({
  documentId: m.documentId,
  role: m.role,
  text: m.text ?? "",
  status: m.status,
  mode: m.mode ?? null,
  model: m.model ?? null,
  citations: Array.isArray(m.citations) ? m.citations : [],
  error: m.error ?? null,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});
