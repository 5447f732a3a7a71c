// What crosses a boundary for Ask Inkstone: the community's start request (AskInput, through the client), the events
// the worker pushes to the community (AnswerEvent), and what the client reports about an answer (AnswerState).
import { documentIdSchema, LOCALES } from "@inkstone/config";
import { REQUEST_ID_PATTERN } from "@inkstone/config/logger";
import { z } from "zod";

/** Longest question, and longest previous turn the prompt carries. */
export const QUESTION_LIMIT = 2000;
/** Previous turns a follow-up carries (the latest ones). */
export const HISTORY_TURNS = 6;

// C0 controls (but tab and line breaks), DEL and C1, as the CMS and the community refuse them in multi-line text.
const CONTROL = /[^\P{Cc}\t\n\r]/u;

const turnSchema = z.strictObject({
  role: z.enum(["question", "answer"]),
  text: z.string(),
});

/**
 * What the community sends to start an answer. Previous turns may be longer or more than the prompt uses: the
 * latest HISTORY_TURNS are kept, each cut to QUESTION_LIMIT characters (an answer can be much longer than that).
 */
export const askInputSchema = z
  .strictObject({
    /** The answer message in the CMS, which the worker fills in. */
    answerId: documentIdSchema,
    conversationId: documentIdSchema,
    /** The member's user documentId (as a run's creatorId): their quota, their cancel. */
    memberId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "must be 1–100 letters, digits, _ or -" }),
    locale: z.enum(LOCALES),
    question: z
      .string()
      .trim()
      .min(1, { error: "a question is required" })
      .max(QUESTION_LIMIT, { error: `at most ${QUESTION_LIMIT} characters` })
      .refine((text) => !CONTROL.test(text), { error: "must not contain control characters" }),
    history: z
      .array(turnSchema)
      .max(200)
      .default([])
      .transform((turns) =>
        turns.slice(-HISTORY_TURNS).map((turn) => ({ role: turn.role, text: turn.text.slice(0, QUESTION_LIMIT) })),
      ),
    /** The community request that asked (REQUEST_ID_PATTERN): in the worker's log lines and on its CMS calls. */
    requestId: z
      .string()
      .regex(REQUEST_ID_PATTERN, { error: "must be 1–64 letters, digits, '.', '_', ':' or '-'" })
      .optional(),
  })
  .refine((input) => input.history.every((turn) => !CONTROL.test(turn.text)), {
    path: ["history"],
    error: "must not contain control characters",
  });

export type AskInput = z.output<typeof askInputSchema>;
/** What the community may send; defaults and cuts are applied when it is parsed. */
export type AskInputDraft = z.input<typeof askInputSchema>;

// The events pushed to the community and what they cite are a contract of @inkstone/config, shared with the community.
export {
  ANSWER_MODES,
  type AnswerEnd,
  type AnswerEvent,
  type AnswerMode,
  answerEventSchema,
  type Citation,
  citationSchema,
  FINAL_STATUSES,
  type FinalStatus,
  isFinalStatus,
} from "@inkstone/config";

/** Where an answer stands: waiting for a slot (1-based among everything queued), being written, or over. */
export type AnswerState = { state: "queued"; position: number } | { state: "active" } | { state: "closed" };

/** The workflow id of an answer. */
export function answerWorkflowId(answerId: string): string {
  return `answer-${answerId}`;
}
