import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
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
import type { AskInput } from "../ask/contract.ts";
import {
  type AnswerOutcome,
  type AnswerStage,
  answerEnqueuedUpdate,
  answerStartedSignal,
  type Settlement,
} from "../ask/messages.ts";
import { PRIORITY } from "../run/run-state.ts";
import { STAGE_ATTRIBUTE } from "../run/search-attributes.ts";
import { activityError } from "./activity-failure.ts";

/** Attempts of the answer activity before the answer fails (a lost worker, the model or the CMS away for a while). */
const MAX_ATTEMPTS = 3;

// The answer holds one of the worker's generation slots, exactly like a run's pipeline: one long heartbeating
// activity on the same task queue, so answers and runs queue together, first in first out. Retries are decided here
// (not by a retry policy) so the queue shows an answer waiting again, and each attempt knows its number.
const answerOptions = {
  startToCloseTimeout: "30 minutes",
  heartbeatTimeout: "10 seconds",
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
} as const;
const { answerActivity } = proxyActivities<Activities>(answerOptions);
// A retried answer already waited its turn: it goes ahead of work that has not started.
const { answerActivity: resumeAnswer } = proxyActivities<Activities>({
  ...answerOptions,
  priority: { priorityKey: PRIORITY.resumed },
});
// Outside the slots: an answer cancelled in the queue must not wait for a slot to say it stopped.
const { settleAnswer } = proxyLocalActivities<Activities>({
  startToCloseTimeout: "20 seconds",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "10 seconds", maximumAttempts: 10 },
});

/** One answer of Ask Inkstone: waits for a slot, writes the answer into the CMS while streaming it, and ends it. */
export async function answerQuestion(input: AskInput): Promise<AnswerOutcome> {
  let stage: AnswerStage = "queued";
  let attempts = 0;
  let started = 0;
  let scheduled = false;
  const setStage = (next: AnswerStage) => {
    if (next !== stage) upsertSearchAttributes([{ key: STAGE_ATTRIBUTE, value: next }]);
    stage = next;
  };
  setHandler(answerEnqueuedUpdate, async () => {
    await condition(() => scheduled);
  });
  setHandler(answerStartedSignal, ({ attempt }) => {
    // A superseded attempt (its worker was presumed lost) may still be talking; only the current one counts.
    if (attempt !== attempts || stage === "answering") return;
    started = attempt;
    setStage("answering");
  });
  /** Ends the answer in the CMS (and for its reader) when no attempt could; a no-op when one already did. */
  const settle = (status: Settlement["status"], kind?: string) =>
    CancellationScope.nonCancellable(() =>
      settleAnswer({
        answerId: input.answerId,
        locale: input.locale,
        status,
        ...(kind ? { kind } : {}),
        // Past every attempt that may have pushed events: the reader's page drops theirs and shows this end.
        attempt: started > 0 ? attempts + 1 : Math.max(1, attempts),
        ...(input.requestId ? { requestId: input.requestId } : {}),
      }),
    );

  try {
    for (let attempt = 1; ; attempt++) {
      attempts = attempt;
      let queuedAt = workflowInfo().startTime.getTime();
      if (attempt > 1) {
        queuedAt = Date.now();
        upsertMemo({ queuedAt });
      }
      const task = { input, attempt, queuedAt, lastAttempt: attempt >= MAX_ATTEMPTS };
      const pending = attempt === 1 ? answerActivity(task) : resumeAnswer(task);
      scheduled = true;
      try {
        const outcome = await pending;
        setStage(outcome.status);
        return outcome;
      } catch (error) {
        if (isCancellation(error) || CancellationScope.current().consideredCancelled) throw error;
        const delayMs = retryDelay(error, attempt);
        if (delayMs === undefined) throw error;
        setStage("resuming");
        if (delayMs > 0) await sleep(delayMs);
      }
    }
  } catch (error) {
    if (isCancellation(error) || CancellationScope.current().consideredCancelled) {
      await settle("stopped");
      setStage("stopped");
      throw error;
    }
    const cause = activityError(error);
    const lost = error instanceof ActivityFailure && error.cause instanceof TimeoutFailure;
    await settle("failed", lost ? "lost" : (cause?.type ?? undefined));
    setStage("failed");
    throw ApplicationFailure.nonRetryable(cause?.message ?? "the answer could not be written", "AnswerFailed");
  }
}

/** How long to wait before trying `attempt` again after `error`, or undefined when the answer fails now. */
function retryDelay(error: unknown, attempt: number): number | undefined {
  if (attempt >= MAX_ATTEMPTS || !(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  // The worker stopped answering (killed): the next attempt starts on the next free slot.
  if (cause instanceof TimeoutFailure) return 0;
  if (cause instanceof ApplicationFailure && !cause.nonRetryable)
    return cause.type === "WorkerShutdown" ? 0 : Math.min(3_000 * 2 ** (attempt - 1), 30_000);
  return undefined;
}
