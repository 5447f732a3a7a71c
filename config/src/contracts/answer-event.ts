import { z } from "zod";
import { LOCALES } from "../constants.ts";
import { documentIdSchema } from "./document-id.ts";

/**
 * Ask Inkstone's answers as the worker reports them to the community: `POST {community}/api/answers/:answerId/events`,
 * signed like the CMS's webhook (delivery id `${answerId}:${attempt}:${seq}`). A `text` event carries the characters
 * written since the previous one; `end` carries the whole final text. `seq` counts from 1 within an attempt of the
 * answer's activity; a later attempt starts the text over, and the community drops the older attempt's events.
 */

/** The longest answer the CMS keeps (its `text` field), so the longest text one event may carry. */
export const MAX_ANSWER_CHARS = 20_000;

export const ANSWER_STATUSES = ["queued", "streaming", "done", "stopped", "failed"] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];
export const answerStatusSchema = z.enum(ANSWER_STATUSES);

/** The statuses an answer ends in: nothing more is written to it after one of these. */
export const FINAL_STATUSES = ["done", "stopped", "failed"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export const isFinalStatus = (status: string): status is FinalStatus =>
  (FINAL_STATUSES as readonly string[]).includes(status);

/** Written by a language model, or extracted from the articles' own sentences when none is configured. */
export const ANSWER_MODES = ["model", "extractive"] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];
export const answerModeSchema = z.enum(ANSWER_MODES);

/** A source an answer cites: `[n]` in its text is this published article. */
export const citationSchema = z.strictObject({
  n: z.number().int().min(1).max(100),
  documentId: documentIdSchema,
  locale: z.enum(LOCALES),
  slug: z.string().min(1).max(300),
  title: z.string().max(500),
});
export type Citation = z.infer<typeof citationSchema>;

const position = {
  answerId: documentIdSchema,
  attempt: z.number().int().min(1).max(1000),
  seq: z.number().int().min(1).max(1_000_000),
};

export const answerEventSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...position, type: z.literal("text"), text: z.string().min(1).max(MAX_ANSWER_CHARS) }),
  z.strictObject({
    ...position,
    type: z.literal("end"),
    status: z.enum(FINAL_STATUSES),
    text: z.string().max(MAX_ANSWER_CHARS),
    citations: z.array(citationSchema).max(100),
    mode: answerModeSchema,
    model: z.string().max(200).nullish(),
    error: z.string().max(500).nullish(),
  }),
]);
export type AnswerEvent = z.infer<typeof answerEventSchema>;
export type AnswerEnd = Extract<AnswerEvent, { type: "end" }>;
