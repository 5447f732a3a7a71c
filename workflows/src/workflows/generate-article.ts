import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from "@temporalio/workflow";
// Type-only: workflow code runs in Temporal's deterministic sandbox and must not load activity code.
import type { Activities } from "../activities/index.ts";
import type { GenerationInput } from "../generation/request.ts";
import type { RunLogEntry } from "../run/log-keys.ts";
import {
  cancelOutcomeUpdate,
  enqueuedUpdate,
  progressSignal,
  runStateQuery,
  savedUpdate,
  savingUpdate,
  startedSignal,
} from "../run/messages.ts";
import {
  type CancelOutcome,
  CREATOR_BLOCKED,
  LOG_LIMIT,
  type LogLine,
  PRIORITY,
  type RunMemo,
  type RunResult,
  type RunState,
  type Stage,
} from "../run/run-state.ts";
import { STAGE_ATTRIBUTE } from "../run/search-attributes.ts";
import { activityError } from "./activity-failure.ts";

export type GenerateArticleInput = {
  request: GenerationInput;
  /** The id of the community request that submitted the run: in the worker's log lines and on its CMS calls. */
  requestId?: string;
};

/** Attempts of the pipeline before the run fails (a lost worker, a transient LLM or CMS outage). */
const MAX_ATTEMPTS = 6;

/** How long a worker may stay silent before its attempt is given up (and the run waits to resume). */
const HEARTBEAT_TIMEOUT_MS = 10_000;

// Changes that add or change commands, marked so runs that began under the code before them replay as they ran.
/** The end is written into the memo (a creator's list of runs reads it). */
const MEMO_ON_FINISH = "memo-on-finish";
/** A run that saved its draft completes as done even when a cancel arrived meanwhile. */
const SAVED_BEATS_CANCEL = "saved-beats-cancel";

// The pipeline holds one of the worker's slots for as long as it runs. It heartbeats every second or so; a worker
// that dies is noticed after the heartbeat timeout and the run goes back to the queue with its checkpoint. Retries
// are decided here rather than by a retry policy so the run's state (queued again, why) stays visible.
const pipelineOptions = {
  startToCloseTimeout: "2 hours",
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
} as const;
const { generateArticlePipeline } = proxyActivities<Activities>(pipelineOptions);
// A resumed run already waited its turn: it goes ahead of runs that have not started.
const { generateArticlePipeline: resumePipeline } = proxyActivities<Activities>({
  ...pipelineOptions,
  priority: { priorityKey: PRIORITY.resumed },
});
// Runs on the worker that runs the workflow, outside the generation slots: a failure notice must not queue.
const { notifyFailure } = proxyLocalActivities<Activities>({
  startToCloseTimeout: "20 seconds",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "1 minute", maximumAttempts: 10 },
});

/** One article generation: waits for a slot, runs the pipeline to a saved draft, and reports as it goes. */
export async function generateArticle(input: GenerateArticleInput): Promise<RunResult> {
  const { request, requestId } = input;
  const runId = workflowInfo().workflowId;
  const submittedAt = workflowInfo().startTime.getTime();
  const state: RunState = {
    status: "queued",
    stage: "queued",
    percent: 0,
    log: [],
    topic: request.topic,
    creatorId: request.creatorId,
    submittedAt,
    queuedAt: submittedAt,
    attempts: 0,
    timeline: [{ stage: "queued", attempt: 1, at: submittedAt }],
  };
  const timeline = state.timeline ?? [];
  let scheduled = false;
  /** The attempt was told it may save its draft, and has not finished: a cancel waits for it. */
  let saving = false;
  /** A cancel was asked for (the workflow's own cancellation): from then on nothing may be saved. */
  let cancelAsked = false;
  CancellationScope.current().cancelRequested.catch(() => {
    cancelAsked = true;
  });
  const append = (lines: LogLine[]) => {
    state.log.push(...lines);
    if (state.log.length > LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT);
  };
  const note = (level: LogLine["level"], message: string, entry?: RunLogEntry) =>
    append([
      {
        at: new Date().toISOString(),
        level,
        message,
        ...(entry ? { key: entry.key, ...(entry.params ? { params: entry.params } : {}) } : {}),
      },
    ]);
  const setStage = (stage: Stage) => {
    if (stage !== state.stage) upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: stage }]);
    state.stage = stage;
  };
  /** Records when the current attempt entered `stage` (once per stage and attempt). */
  const mark = (stage: Stage, at: number) => {
    const last = timeline.at(-1);
    if (last?.stage === stage && last.attempt === state.attempts) return;
    timeline.push({ stage, attempt: state.attempts, at });
  };

  setHandler(runStateQuery, () => state);
  setHandler(enqueuedUpdate, async () => {
    await CancellationScope.nonCancellable(() => condition(() => scheduled));
    return { runId };
  });
  setHandler(startedSignal, (report) => {
    if (report.attempt !== state.attempts || state.status !== "queued") return;
    state.status = "active";
    state.startedAt = report.startedAt;
    setStage(report.stage);
    mark(report.stage, report.startedAt);
    append(report.lines);
  });
  setHandler(progressSignal, (report) => {
    // A superseded attempt (its worker was presumed lost) may still be talking; only the current one counts.
    if (report.attempt !== state.attempts || state.status !== "active") return;
    setStage(report.stage);
    mark(report.stage, report.stageAt ?? Date.now());
    state.percent = Math.max(state.percent, report.percent);
    if (report.unread) state.unread = report.unread;
    append(report.lines);
  });
  setHandler(savingUpdate, ({ attempt }) => {
    // Not the status: a lost "started" report must not keep a run from saving.
    if (attempt !== state.attempts || cancelAsked || state.result) return false;
    saving = true;
    return true;
  });
  setHandler(savedUpdate, ({ attempt, result }) => {
    if (attempt !== state.attempts) return;
    state.result = result;
    saving = false;
    finish("done");
  });
  setHandler(cancelOutcomeUpdate, async (): Promise<CancelOutcome> => {
    // Certain once the run has ended, or the cancel is in and no save is under way (none can start after it).
    await CancellationScope.nonCancellable(() =>
      condition(() => ["done", "failed", "cancelled"].includes(state.status) || (cancelAsked && !saving)),
    );
    if (state.status === "done") return "already_done";
    if (state.status === "failed") return "already_failed";
    return "cancelled";
  });

  function finish(status: "done" | "failed" | "cancelled") {
    state.status = status;
    state.finishedAt = Date.now();
    if (status === "done") state.percent = 100;
    setStage(status);
    mark(status, state.finishedAt);
  }

  /** What a creator's list of runs shows of the end: when, why it failed, which draft it made. */
  function memoEnd() {
    if (!patched(MEMO_ON_FINISH)) return;
    const memo: Partial<RunMemo> = { finishedAt: state.finishedAt ?? Date.now() };
    if (state.error) memo.error = state.error;
    if (state.errorKey) memo.errorKey = state.errorKey;
    if (state.errorParams) memo.errorParams = state.errorParams;
    if (state.result) memo.result = { documentId: state.result.documentId, locale: state.result.locale };
    upsertMemo(memo);
  }

  const done = (result: RunResult): RunResult => {
    state.result = { ...result, ...(state.unread?.length && !result.unread ? { unread: state.unread } : {}) };
    if (state.status !== "done") finish("done");
    memoEnd();
    return state.result;
  };

  let checkpoint: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      if (attempt > 1) {
        // When it re-entered the queue was settled as the last attempt ended (see below); said again here, where it
        // always was, so the commands keep their order for runs already under way.
        upsertMemo({ queuedAt: state.queuedAt });
      }
      const pipelineInput = { runId, request, requestId, attempt, queuedAt: state.queuedAt, checkpoint };
      const pending = attempt === 1 ? generateArticlePipeline(pipelineInput) : resumePipeline(pipelineInput);
      scheduled = true;
      try {
        return done(await pending);
      } catch (error) {
        // Saved, then lost (or cancelled) before it could report back: the draft exists, the run is done.
        if (state.result && (!isCancellation(error) || patched(SAVED_BEATS_CANCEL))) return done(state.result);
        if (isCancellation(error)) throw error;
        const retry = retryPlan(error, attempt);
        if (!retry) throw error;
        checkpoint = retry.checkpoint ?? checkpoint;
        // The run waits from when its attempt stopped: for a worker that went silent, its last heartbeat (the
        // timeout is noticed that much later), and through any pause before the retry.
        const stoppedAt = retry.lost
          ? Math.max(state.startedAt ?? 0, timeline.at(-1)?.at ?? 0, Date.now() - HEARTBEAT_TIMEOUT_MS)
          : Date.now();
        state.queuedAt = stoppedAt;
        note("warn", retry.message, retry.entry);
        state.status = "queued";
        setStage("resuming");
        timeline.push({ stage: "resuming", attempt: attempt + 1, at: stoppedAt });
        if (retry.delayMs > 0) {
          // The page says "waiting to retry: <why>, N s" while this lasts, rather than only "queued".
          state.retry = { reason: retry.reason, at: Date.now() + retry.delayMs };
          await sleep(retry.delayMs);
          delete state.retry;
        }
      } finally {
        saving = false;
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      note("info", "cancelled", { key: "cancelled" });
      finish("cancelled");
      memoEnd();
      throw error;
    }
    const reason = failureReason(error);
    const entry = failureEntry(error, reason);
    state.error = reason;
    state.errorKey = entry.key;
    if (entry.params) state.errorParams = entry.params;
    note("error", reason, entry);
    finish("failed");
    memoEnd();
    // A blocked member may not act: no draft, and no notification either (the CMS would refuse it too).
    if (activityError(error)?.type === CREATOR_BLOCKED) {
      state.errorCode = CREATOR_BLOCKED;
      throw ApplicationFailure.nonRetryable(reason, CREATOR_BLOCKED);
    }
    try {
      await notifyFailure(runId, { creatorId: request.creatorId, topic: request.topic, reason }, requestId);
    } catch {
      // The run fails all the same and its log says the creator was not told; the worker's log has each failed try.
      note("warn", "the CMS could not be told about the failure", { key: "notifyFailed" });
    }
    throw ApplicationFailure.nonRetryable(reason, "GenerationFailed");
  }
}

type RetryPlan = {
  delayMs: number;
  checkpoint: unknown;
  message: string;
  entry: RunLogEntry;
  reason: string;
  /** The worker stopped answering (rather than the attempt failing). */
  lost: boolean;
};

/** Whether and when to run the pipeline again after `error`, and from which checkpoint. */
function retryPlan(error: unknown, attempt: number): RetryPlan | undefined {
  if (attempt >= MAX_ATTEMPTS || !(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (cause instanceof TimeoutFailure)
    return {
      delayMs: 0,
      checkpoint: cause.lastHeartbeatDetails,
      message: "the worker running this article stopped answering; resuming from the last finished step",
      entry: { key: "retryLost" },
      reason: "the worker stopped answering",
      lost: cause.timeoutType === "HEARTBEAT",
    };
  if (cause instanceof ApplicationFailure && !cause.nonRetryable) {
    const shutdown = cause.type === "WorkerShutdown";
    return {
      delayMs: shutdown ? 0 : Math.min(5_000 * 2 ** (attempt - 1), 60_000),
      checkpoint: cause.details?.[0],
      message: shutdown
        ? "the worker was shut down; resuming from the last finished step on the next free slot"
        : `attempt ${attempt} failed: ${cause.message}; trying again`,
      entry: shutdown
        ? { key: "retryShutdown" }
        : { key: "retryFailed", params: { attempt, reason: cause.message.slice(0, 300) } },
      reason: cause.message,
      lost: false,
    };
  }
  return undefined;
}

/** The failure as a log key: the one the pipeline gave (a failure the creator can act on), else the generic one. */
function failureEntry(error: unknown, reason: string): RunLogEntry {
  const detail = activityError(error)?.details?.[0] as { entry?: RunLogEntry } | undefined;
  return detail?.entry ?? { key: "failed", params: { reason } };
}

/** The message a creator sees for a failed run. */
function failureReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return (message || "generation failed").slice(0, 1000);
}
