import type { WorkflowExecutionDescription } from "@temporalio/client";
import type { LogLine, RunResult, RunState, RunStatus, Stage } from "../run/run-state.ts";
import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";
import type { QueueEntry } from "./queue.ts";

/** A run as its page shows it. */
export type RunView = {
  runId: string;
  status: RunStatus;
  /** 1-based place in the queue, while queued. */
  position?: number;
  stage: Stage;
  percent: number;
  log: LogLine[];
  result?: RunResult;
  error?: string;
  /** Set when the run failed for a reason the community shows specially (CREATOR_BLOCKED). */
  errorCode?: RunState["errorCode"];
  topic: string;
  creatorId: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  /** While the run waits to try again after a temporary failure: why, and when. */
  retry?: { reason: string; at: string };
};

const CLOSED: Record<string, Extract<RunStatus, Stage>> = {
  COMPLETED: "done",
  FAILED: "failed",
  TIMED_OUT: "failed",
  CANCELLED: "cancelled",
  TERMINATED: "cancelled",
};

/** Merges the workflow's own state (when a worker answered the query) with the server's description and the queue. */
export function toRunView(
  runId: string,
  description: WorkflowExecutionDescription,
  state: RunState | undefined,
  queue: readonly QueueEntry[],
): RunView {
  const memo = (description.memo ?? {}) as Record<string, unknown>;
  const closed = CLOSED[description.status.name];
  const stage = state?.stage ?? ((description.typedSearchAttributes.get(STAGE_ATTRIBUTE) ?? "queued") as Stage);
  const status: RunStatus =
    closed ?? state?.status ?? (stage === "queued" || stage === "resuming" ? "queued" : "active");
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const view: RunView = {
    runId,
    status,
    stage: closed ?? stage,
    percent: state?.percent ?? (closed === "done" ? 100 : 0),
    log: state?.log ?? [],
    topic: state?.topic ?? String(memo.topic ?? ""),
    creatorId: state?.creatorId ?? String(description.typedSearchAttributes.get(CREATOR_ATTRIBUTE) ?? ""),
    submittedAt: description.startTime.toISOString(),
    attempts: state?.attempts ?? 0,
  };
  if (state?.result) view.result = state.result;
  if (state?.error) view.error = state.error;
  if (state?.errorCode) view.errorCode = state.errorCode;
  if (state?.retry && !closed) view.retry = { reason: state.retry.reason, at: new Date(state.retry.at).toISOString() };
  const startedAt = iso(state?.startedAt);
  if (startedAt) view.startedAt = startedAt;
  const finishedAt = iso(state?.finishedAt) ?? description.closeTime?.toISOString();
  if (finishedAt) view.finishedAt = finishedAt;
  if (status === "queued") {
    // Visibility trails a brand-new run by a moment; until it lists the run, the run is last in line.
    view.position =
      queue.find((entry) => entry.kind === "run" && entry.runId === runId)?.position ??
      queue.filter((entry) => entry.status === "queued").length + 1;
  }
  return view;
}
