// The answer workflow's messages, and the shapes its workflow, activities and client share. Pure definitions: the
// workflow bundle imports this, so it loads no activity code.
import { defineSignal, defineUpdate } from "@temporalio/workflow";
import type { AskInput, FinalStatus } from "./contract.ts";

/** Resolves once the answer's activity is in the queue; the client starts answers through it, so starts keep their order. */
export const answerEnqueuedUpdate = defineUpdate<void>("answerEnqueued");
/** The answer activity holds a slot (sent by each attempt as it starts). */
export const answerStartedSignal = defineSignal<[{ attempt: number; startedAt: number }]>("answerStarted");

/** An answer's stage, in the InkstoneStage search attribute: waiting, waiting again after a lost attempt, writing, over. */
export const ANSWER_STAGES = ["queued", "resuming", "answering", "done", "stopped", "failed"] as const;
export type AnswerStage = (typeof ANSWER_STAGES)[number];

/** One attempt of the answer activity. */
export type AnswerTask = {
  input: AskInput;
  attempt: number;
  /** When this attempt entered the queue, epoch ms. */
  queuedAt: number;
  /** No attempt follows this one: a failure is saved as final, even one that could pass later. */
  lastAttempt: boolean;
};

/** How an answer ended. */
export type AnswerOutcome = { status: FinalStatus };

/** Saves an answer the activity could not end itself (cancelled in the queue, failed for good, its worker lost). */
export type Settlement = {
  answerId: string;
  locale: AskInput["locale"];
  status: "stopped" | "failed";
  /** For `failed`: the kind of failure, which decides the words the member reads. */
  kind?: string;
  /** The attempt number the end event is pushed under (past every attempt that pushed events). */
  attempt: number;
  requestId?: string;
};

/** Memo of an answer's workflow: what the queue listing needs, and never the question. */
export type AnswerMemo = {
  kind: "answer";
  answerId: string;
  conversationId: string;
  locale: string;
  queuedAt?: number;
};
