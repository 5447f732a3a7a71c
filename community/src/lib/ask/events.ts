import { documentIdSchema, LOCALES } from "@inkstone/config";
import { z } from "zod";

/**
 * What the worker pushes to POST /api/answers/:answerId/events while it writes an answer (signed like the CMS's
 * webhook, delivery id `${answerId}:${attempt}:${seq}`): the new characters since its last push, then the end. `seq`
 * counts from 1 in each attempt of the activity; a retried attempt starts again, and the older one's events are
 * dropped.
 */

/** The longest answer the CMS keeps (its `text` field), so the longest text a push may carry. */
export const MAX_ANSWER_CHARS = 20_000;

export const citationSchema = z.object({
  n: z.number().int().min(1).max(100),
  documentId: documentIdSchema,
  locale: z.enum(LOCALES),
  slug: z.string().min(1).max(300),
  title: z.string().max(500),
});
export type Citation = z.infer<typeof citationSchema>;

export const answerStatusSchema = z.enum(["queued", "streaming", "done", "stopped", "failed"]);
export type AnswerStatus = z.infer<typeof answerStatusSchema>;
export const answerModeSchema = z.enum(["model", "extractive"]);
export type AnswerMode = z.infer<typeof answerModeSchema>;

/** The statuses an answer ends in: nothing more is written to it after one of these. */
export const FINAL_STATUSES: ReadonlySet<AnswerStatus> = new Set(["done", "stopped", "failed"]);

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
    status: z.enum(["done", "stopped", "failed"]),
    text: z.string().max(MAX_ANSWER_CHARS),
    citations: z.array(citationSchema).max(100),
    mode: answerModeSchema.nullish(),
    model: z.string().max(200).nullish(),
    error: z.string().max(500).nullish(),
  }),
]);
export type AnswerEvent = z.infer<typeof answerEventSchema>;
export type AnswerEnd = Extract<AnswerEvent, { type: "end" }>;

/** Where a stream is: the last event it delivered, as its SSE id `attempt.seq` (0.0 before the first). */
export type Cursor = { attempt: number; seq: number };

export const START: Cursor = { attempt: 0, seq: 0 };

/** `attempt.seq` as a cursor; undefined when it is not one. */
export function parseCursor(value: string): Cursor | undefined {
  const match = /^(\d{1,4})\.(\d{1,7})$/.exec(value.trim());
  if (!match) return undefined;
  return { attempt: Number(match[1]), seq: Number(match[2]) };
}

export const formatCursor = (cursor: Cursor): string => `${cursor.attempt}.${cursor.seq}`;
