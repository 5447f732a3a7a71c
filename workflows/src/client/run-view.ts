import type { WorkflowExecutionDescription } from "@temporalio/client";
import type { RunLogKey, RunLogParams, UnreadSource } from "../run/log-keys.ts";
import type { LogLine, RunMemo, RunResult, RunState, RunStatus, Stage, StageMark } from "../run/run-state.ts";
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
  /** The whole log the run keeps (up to LOG_LIMIT lines), oldest first. */
  log: LogLine[];
  result?: RunResult;
  error?: string;
  /** The failure as a log key, for the page to word it in its language. */
  errorKey?: RunLogKey;
  errorParams?: RunLogParams[RunLogKey];
  /** Set when the run failed for a reason the community shows specially (CREATOR_BLOCKED). */
  errorCode?: RunState["errorCode"];
  /** Sources that could not be read, and why. */
  unread: UnreadSource[];
  /** When each stage began: waiting, work stages per attempt, the end (ISO times). */
  timeline: (Omit<StageMark, "at"> & { at: string })[];
  topic: string;
  creatorId: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  /** While the run waits to try again after a temporary failure: why, and when. */
  retry?: { reason: string; at: string };
};

/** A closed execution's status as a run's. */
export const CLOSED_STATUS: Record<string, Extract<RunStatus, Stage>> = {
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
  const memo = (description.memo ?? {}) as Partial<RunMemo>;
  const closed = CLOSED_STATUS[description.status.name];
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
    unread: state?.unread ?? state?.result?.unread ?? [],
    timeline: (state?.timeline ?? []).map((mark) => ({ ...mark, at: new Date(mark.at).toISOString() })),
    topic: state?.topic ?? String(memo.topic ?? ""),
    creatorId: state?.creatorId ?? String(description.typedSearchAttributes.get(CREATOR_ATTRIBUTE) ?? ""),
    submittedAt: description.startTime.toISOString(),
    attempts: state?.attempts ?? 0,
  };
  if (state?.result) view.result = state.result;
  // Without a worker to ask, a failed run's memo still says why.
  const error = state?.error ?? (closed === "failed" ? memo.error : undefined);
  if (error) view.error = error;
  const errorKey = state ? state.errorKey : closed === "failed" ? memo.errorKey : undefined;
  if (errorKey) view.errorKey = errorKey;
  const errorParams = state ? state.errorParams : closed === "failed" ? memo.errorParams : undefined;
  if (errorParams) view.errorParams = errorParams;
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
