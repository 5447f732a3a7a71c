import type { Logger } from "@inkstone/config/logger";
import { ApplicationFailure, Context } from "@temporalio/activity";
import type { Client } from "@temporalio/client";
import type { GenerationInput } from "../generation/request.ts";
import type { GenerationMetrics } from "../metrics/metrics.ts";
import { checkpointProgress, describeCheckpoint, nextStage, restoreCheckpoint } from "../pipeline/checkpoint.ts";
import { PipelineError } from "../pipeline/errors.ts";
import { type RunChannel, RunReporter } from "../pipeline/reporter.ts";
import { type PipelineDeps, runPipeline } from "../pipeline/run-pipeline.ts";
import { progressSignal, savedUpdate, savingUpdate, startedSignal } from "../run/messages.ts";
import type { RunResult } from "../run/run-state.ts";

export type PipelineInput = {
  runId: string;
  request: GenerationInput;
  /** The community request that submitted the run (see GenerateArticleInput). */
  requestId?: string;
  attempt: number;
  /** When the run (re)entered the queue, epoch ms. */
  queuedAt: number;
  /** What an earlier attempt finished (its last heartbeat details), if any. */
  checkpoint?: unknown;
};

export type GenerateDeps = PipelineDeps & {
  /** Reaches the run's workflow (progress signals); a client on its own connection. */
  temporal: Client;
  metrics: GenerationMetrics;
  workerId: string;
  /** The worker's log; each attempt logs its run log lines there too, tagged with the run and request ids. */
  logger: Logger;
};

/**
 * The whole pipeline as one long activity: it holds one of the worker's slots from research to saved draft,
 * heartbeats its checkpoint, and reports progress to its workflow.
 */
export function generateArticlePipelineActivity(deps: GenerateDeps) {
  return async function generateArticlePipeline(input: PipelineInput): Promise<RunResult> {
    const context = Context.current();
    const startedAt = Date.now();
    const log = deps.logger.child({ runId: input.runId, requestId: input.requestId, attempt: input.attempt });
    const { checkpoint, resumed } = restoreCheckpoint(input.checkpoint, startedAt);
    const reporter = new RunReporter({
      attempt: input.attempt,
      channel: workflowChannel(deps.temporal, input.runId, context.info.workflowExecution?.runId),
      heartbeat: (details) => context.heartbeat(details),
      checkpoint: () => checkpoint,
      logger: log,
    });
    const waited = Math.max(0, (startedAt - input.queuedAt) / 1000);
    deps.metrics.activeSlots.inc();
    deps.metrics.queueSeconds.observe(waited);
    log.info({ workerId: deps.workerId, queuedSeconds: waited }, "attempt started");
    try {
      const seconds = Number(waited.toFixed(1));
      await reporter.started(
        startedAt,
        nextStage(checkpoint),
        resumed
          ? `resumed (attempt ${input.attempt}) after ${waited.toFixed(1)} s; ${describeCheckpoint(checkpoint)}`
          : `started after ${waited.toFixed(1)} s in the queue`,
        resumed
          ? { key: "resumed", params: { attempt: input.attempt, seconds, ...checkpointProgress(checkpoint) } }
          : { key: "started", params: { seconds } },
      );
      const result = await runPipeline(
        {
          runId: input.runId,
          requestId: input.requestId,
          request: input.request,
          checkpoint,
          reporter,
          signal: context.cancellationSignal,
        },
        deps,
      );
      deps.metrics.outcomes.inc({ outcome: "done" });
      deps.metrics.runSeconds.observe((Date.now() - startedAt) / 1000);
      return result;
    } catch (error) {
      throw failure(error, context, checkpoint, deps.metrics);
    } finally {
      await reporter.close();
      deps.metrics.activeSlots.dec();
    }
  };
}

/** What the attempt reports: cancelled, or a failure carrying the checkpoint for the next attempt. */
function failure(error: unknown, context: Context, checkpoint: unknown, metrics: GenerationMetrics): unknown {
  if (context.cancellationSignal.aborted) {
    if (context.cancellationDetails?.cancelRequested) {
      metrics.outcomes.inc({ outcome: "cancelled" });
      return context.cancellationSignal.reason;
    }
    // The worker is shutting down (or the server gave up on this attempt): another attempt resumes from here.
    metrics.outcomes.inc({ outcome: "retry" });
    return ApplicationFailure.create({
      message: "the worker stopped before the article was finished",
      type: "WorkerShutdown",
      details: [checkpoint],
    });
  }
  const kind = error instanceof PipelineError ? error.kind : "unexpected";
  const retryable = error instanceof PipelineError ? error.retryable : true;
  metrics.failures.inc({ kind, retryable: String(retryable) });
  metrics.outcomes.inc({ outcome: retryable ? "retry" : "failed" });
  // A failure the creator can act on carries its log key, for the run page to word it in the page's language.
  const entry = error instanceof PipelineError ? error.entry : undefined;
  return ApplicationFailure.create({
    message: error instanceof Error ? error.message : String(error),
    type: kind,
    nonRetryable: !retryable,
    details: retryable ? [checkpoint] : entry ? [{ entry }] : [],
    cause: error instanceof Error ? error : undefined,
  });
}

/** Reports to the exact workflow run this attempt belongs to. */
function workflowChannel(client: Client, workflowId: string, runId: string | undefined): RunChannel {
  const handle = client.workflow.getHandle(workflowId, runId);
  return {
    started: (report) => handle.signal(startedSignal, report),
    progress: (report) => handle.signal(progressSignal, report),
    saving: (report) => handle.executeUpdate(savingUpdate, { args: [report] }),
    saved: (report) => handle.executeUpdate(savedUpdate, { args: [report] }),
  };
}
