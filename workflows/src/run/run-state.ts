// Shapes shared by the workflow, the activity and the client. Pure types and constants: the workflow bundle imports it.
import type { RunLogKey, RunLogParams, UnreadSource } from "./log-keys.ts";

/** Where a run is in its life. `queued` covers waiting for a slot, including a resumed run waiting again. */
export type RunStatus = "queued" | "active" | "done" | "failed" | "cancelled";

/** Pipeline stages in order; `queued`/`resuming` before a slot is held, the last three once it ended. */
export const STAGES = [
  "queued",
  "resuming",
  "research",
  "read",
  "outline",
  "write",
  "assemble",
  "save",
  "done",
  "failed",
  "cancelled",
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages that hold a worker slot. */
export type WorkStage = Extract<Stage, "research" | "read" | "outline" | "write" | "assemble" | "save">;

/**
 * A line of the run log shown to the creator: the worker's English `message`, and (from lines written since keys
 * exist) a `key` with `params` that the community words in the page's language.
 */
export type LogLine = {
  at: string;
  level: "info" | "warn" | "error";
  message: string;
  key?: RunLogKey;
  params?: RunLogParams[RunLogKey];
};

/** Lines the workflow keeps; older ones are dropped (the worker's own log has everything). The page pages them. */
export const LOG_LIMIT = 500;

/**
 * When the run entered a stage: waiting (`queued` at submission, `resuming` when an attempt was lost or failed), each
 * work stage of each attempt, and the end. A stage lasts until the next entry (or, for the last one, until now).
 */
export type StageMark = { stage: Stage; attempt: number; at: number };

/** Tokens and money a run spent on language models, summed over its attempts. */
export type Usage = { promptTokens: number; completionTokens: number; costUsd: number; models: string[] };

/** What a run produced: the draft the CMS now holds for it. */
export type RunResult = {
  documentId: string;
  locale: string;
  title: string;
  sources: number;
  offlineWriter: boolean;
  usage: Usage;
  /** Sources that could not be read, and why (absent from runs finished before this was recorded). */
  unread?: UnreadSource[];
};

/** What the workflow's `runState` query answers. */
export type RunState = {
  status: RunStatus;
  stage: Stage;
  percent: number;
  log: LogLine[];
  result?: RunResult;
  error?: string;
  /** The failure as a log key, so the community can word it in the page's language. */
  errorKey?: RunLogKey;
  errorParams?: RunLogParams[RunLogKey];
  /** Why a failed run failed, when a caller may act on it: CREATOR_BLOCKED. */
  errorCode?: typeof CREATOR_BLOCKED;
  topic: string;
  creatorId: string;
  /** Epoch ms: when the run was submitted, when it last entered the queue, when its current attempt took a slot. */
  submittedAt: number;
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Pipeline attempts so far (a lost worker or a transient error starts another). */
  attempts: number;
  /** While the run waits to try again after a temporary failure: why, and when (epoch ms) it tries. */
  retry?: { reason: string; at: number };
  /** Each stage's start (absent from runs started before this was recorded). */
  timeline?: StageMark[];
  /** Sources that could not be read so far, and why. */
  unread?: UnreadSource[];
};

/**
 * What the activity tells its workflow as it goes (a signal; lines are appended). `stageAt` is when the attempt
 * entered `stage` (epoch ms, the worker's clock); `unread` replaces the list of sources that could not be read.
 */
export type ProgressReport = {
  stage: WorkStage;
  percent: number;
  lines: LogLine[];
  stageAt?: number;
  unread?: UnreadSource[];
};

/** Sent by the activity when its attempt holds a slot; `stage` is where it starts (later for a resumed run). */
export type StartedReport = { attempt: number; startedAt: number; stage: WorkStage; lines: LogLine[] };

/** What a cancel request found: the run stopped, or it had already ended one way or the other. */
export type CancelOutcome = "cancelled" | "already_done" | "already_failed" | "already_cancelled";

/**
 * Memo written at start and on re-queue (what listing the queue needs without querying each run), and at the end
 * (what a creator's list of runs shows: why it failed, which draft it made).
 */
export type RunMemo = {
  topic: string;
  creatorId: string;
  language: string;
  submittedAt: number;
  queuedAt: number;
  finishedAt?: number;
  error?: string;
  errorKey?: RunLogKey;
  errorParams?: RunLogParams[RunLogKey];
  result?: { documentId: string; locale: string };
};

/**
 * The CMS's error code for a blocked member, used as is for the run: the pipeline stops before research and before
 * saving, and the run fails with this code and no draft.
 */
export const CREATOR_BLOCKED = "creator_blocked";

/** Starts within a second of each other are still ordered by this (priority 1 = a resumed run goes first). */
export const PRIORITY = { resumed: 1, fresh: 3 } as const;
