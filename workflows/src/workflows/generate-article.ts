import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
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
import { enqueuedUpdate, progressSignal, runStateQuery, savedUpdate, startedSignal } from "../run/messages.ts";
import {
  CREATOR_BLOCKED,
  LOG_LIMIT,
  type LogLine,
  PRIORITY,
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

// The pipeline holds one of the worker's slots for as long as it runs. It heartbeats every second or so; a worker
// that dies is noticed after the heartbeat timeout and the run goes back to the queue with its checkpoint. Retries
// are decided here rather than by a retry policy so the run's state (queued again, why) stays visible.
const pipelineOptions = {
  startToCloseTimeout: "2 hours",
  heartbeatTimeout: "10 seconds",
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
  const state: RunState = {
    status: "queued",
    stage: "queued",
    percent: 0,
    log: [],
    topic: request.topic,
    creatorId: request.creatorId,
    submittedAt: workflowInfo().startTime.getTime(),
    queuedAt: workflowInfo().startTime.getTime(),
    attempts: 0,
  };
  let scheduled = false;
  const append = (lines: LogLine[]) => {
    state.log.push(...lines);
    if (state.log.length > LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT);
  };
  const note = (level: LogLine["level"], message: string) => append([{ at: new Date().toISOString(), level, message }]);
  const setStage = (stage: Stage) => {
    if (stage !== state.stage) upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: stage }]);
    state.stage = stage;
  };

  setHandler(runStateQuery, () => state);
  setHandler(enqueuedUpdate, async () => {
    await condition(() => scheduled);
    return { runId };
  });
  setHandler(startedSignal, (report) => {
    if (report.attempt !== state.attempts || state.status !== "queued") return;
    state.status = "active";
    state.startedAt = report.startedAt;
    setStage(report.stage);
    append(report.lines);
  });
  setHandler(progressSignal, (report) => {
    // A superseded attempt (its worker was presumed lost) may still be talking; only the current one counts.
    if (report.attempt !== state.attempts || state.status !== "active") return;
    setStage(report.stage);
    state.percent = Math.max(state.percent, report.percent);
    append(report.lines);
  });
  setHandler(savedUpdate, ({ attempt, result }) => {
    if (attempt !== state.attempts) return;
    state.result = result;
    finish("done");
  });

  function finish(status: "done" | "failed" | "cancelled") {
    state.status = status;
    state.finishedAt = Date.now();
    if (status === "done") state.percent = 100;
    setStage(status);
  }

  let checkpoint: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      if (attempt > 1) {
        state.queuedAt = Date.now();
        upsertMemo({ queuedAt: state.queuedAt });
      }
      const pipelineInput = { runId, request, requestId, attempt, queuedAt: state.queuedAt, checkpoint };
      const pending = attempt === 1 ? generateArticlePipeline(pipelineInput) : resumePipeline(pipelineInput);
      scheduled = true;
      try {
        const result = await pending;
        if (state.status !== "done") {
          state.result = result;
          finish("done");
        }
        return result;
      } catch (error) {
        if (isCancellation(error)) throw error;
        // Saved, then lost before it could report back: the draft exists, the run is done.
        if (state.result) {
          if (state.status !== "done") finish("done");
          return state.result;
        }
        const retry = retryPlan(error, attempt);
        if (!retry) throw error;
        checkpoint = retry.checkpoint ?? checkpoint;
        note("warn", retry.message);
        state.status = "queued";
        setStage("resuming");
        if (retry.delayMs > 0) {
          // The page says "waiting to retry: <why>, N s" while this lasts, rather than only "queued".
          state.retry = { reason: retry.reason, at: Date.now() + retry.delayMs };
          await sleep(retry.delayMs);
          delete state.retry;
        }
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      note("info", "cancelled");
      finish("cancelled");
      throw error;
    }
    const reason = failureReason(error);
    state.error = reason;
    note("error", reason);
    finish("failed");
    // A blocked member may not act: no draft, and no notification either (the CMS would refuse it too).
    if (activityError(error)?.type === CREATOR_BLOCKED) {
      state.errorCode = CREATOR_BLOCKED;
      throw ApplicationFailure.nonRetryable(reason, CREATOR_BLOCKED);
    }
    try {
      await notifyFailure(runId, { creatorId: request.creatorId, topic: request.topic, reason }, requestId);
    } catch {
      // The run fails all the same and its log says the creator was not told; the worker's log has each failed try.
      note("warn", "the CMS could not be told about the failure");
    }
    throw ApplicationFailure.nonRetryable(reason, "GenerationFailed");
  }
}

type RetryPlan = { delayMs: number; checkpoint: unknown; message: string; reason: string };

/** Whether and when to run the pipeline again after `error`, and from which checkpoint. */
function retryPlan(error: unknown, attempt: number): RetryPlan | undefined {
  if (attempt >= MAX_ATTEMPTS || !(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (cause instanceof TimeoutFailure)
    return {
      delayMs: 0,
      checkpoint: cause.lastHeartbeatDetails,
      message: "the worker running this article stopped answering; resuming from the last finished step",
      reason: "the worker stopped answering",
    };
  if (cause instanceof ApplicationFailure && !cause.nonRetryable) {
    const shutdown = cause.type === "WorkerShutdown";
    return {
      delayMs: shutdown ? 0 : Math.min(5_000 * 2 ** (attempt - 1), 60_000),
      checkpoint: cause.details?.[0],
      message: shutdown
        ? "the worker was shut down; resuming from the last finished step on the next free slot"
        : `attempt ${attempt} failed: ${cause.message}; trying again`,
      reason: cause.message,
    };
  }
  return undefined;
}

/** The message a creator sees for a failed run. */
function failureReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return (message || "generation failed").slice(0, 1000);
}
