// What the worker pushes to POST /api/answers/:answerId/events is a contract of @inkstone/config, shared with it.
export {
  type AnswerEnd,
  type AnswerEvent,
  type AnswerMode,
  type AnswerStatus,
  answerEventSchema,
  answerModeSchema,
  answerStatusSchema,
  type Citation,
  citationSchema,
  FINAL_STATUSES,
  isFinalStatus,
  MAX_ANSWER_CHARS,
} from "@inkstone/config";

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
