import type { Client, WorkflowExecutionInfo } from "@temporalio/client";
import { defaultPayloadConverter } from "@temporalio/common";
import { type GenerationInput, generationInputSchema } from "../generation/request.ts";
import type { RunLogKey, RunLogParams } from "../run/log-keys.ts";
import type { RunMemo, RunStatus } from "../run/run-state.ts";
import { STAGE_ATTRIBUTE } from "../run/search-attributes.ts";
import type { EncryptionCodec } from "../temporal/encryption-codec.ts";
import { type Actor, describeOwnRun } from "./cancel.ts";
import { RunNotFound } from "./errors.ts";
import { CLOSED_STATUS } from "./run-view.ts";
import { creatorAllRunsQuery } from "./visibility.ts";

/** A run in its creator's list (the studio): every state, why it failed, which draft it made. */
export type RunSummary = {
  runId: string;
  topic: string;
  language: string;
  status: RunStatus;
  submittedAt: string;
  finishedAt?: string;
  /** Why it failed, in the worker's English; `errorKey`/`errorParams` let a page word it in its language. */
  error?: string;
  errorKey?: RunLogKey;
  errorParams?: RunLogParams[RunLogKey];
  result?: { documentId: string; locale: string };
};

/** Runs listed at most (a creator's runs stay in Temporal for the namespace's retention, 7 days). */
const MAX_LISTED = 1000;

/** The summary of one execution, from what visibility lists (memo decoded by the client's codec). */
function toSummary(info: WorkflowExecutionInfo): RunSummary {
  const memo = (info.memo ?? {}) as Partial<RunMemo>;
  const stage = info.typedSearchAttributes.get(STAGE_ATTRIBUTE) ?? "queued";
  const status: RunStatus =
    CLOSED_STATUS[info.status.name] ?? (stage === "queued" || stage === "resuming" ? "queued" : "active");
  const summary: RunSummary = {
    runId: info.workflowId,
    topic: String(memo.topic ?? ""),
    language: String(memo.language ?? ""),
    status,
    submittedAt: info.startTime.toISOString(),
  };
  if (info.closeTime) summary.finishedAt = info.closeTime.toISOString();
  if (status === "failed" && typeof memo.error === "string") summary.error = memo.error;
  if (status === "failed" && memo.errorKey) {
    summary.errorKey = memo.errorKey;
    if (memo.errorParams) summary.errorParams = memo.errorParams;
  }
  if (status === "done" && memo.result?.documentId)
    summary.result = { documentId: memo.result.documentId, locale: String(memo.result.locale ?? "") };
  return summary;
}

/**
 * `creatorId`'s runs on `taskQueue`, newest first, in every state. A run retried under its id is listed once, as its
 * latest execution.
 */
export async function listRunsOf(
  client: Client,
  taskQueue: string,
  creatorId: string,
  limit: number,
): Promise<RunSummary[]> {
  const latest = new Map<string, WorkflowExecutionInfo>();
  let seen = 0;
  // Visibility does not sort by start time on every backend: read them all (bounded), then sort.
  for await (const info of client.workflow.list({ query: creatorAllRunsQuery(taskQueue, creatorId), pageSize: 200 })) {
    const known = latest.get(info.workflowId);
    if (!known || known.startTime < info.startTime) latest.set(info.workflowId, info);
    if (++seen >= MAX_LISTED) break;
  }
  return [...latest.values()]
    .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
    .slice(0, limit)
    .map(toSummary);
}

/**
 * What `runId` was started with, read from its history (the first event holds the workflow's input) and decrypted:
 * needs no worker. The creator's or an editor's only (Forbidden); RunNotFound when there is no such run.
 */
export async function runInput(
  client: Client,
  codec: EncryptionCodec,
  runId: string,
  actor: Actor,
): Promise<GenerationInput> {
  const { handle } = await describeOwnRun(client, runId, actor, "reuse");
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new RunNotFound(`run ${runId} has no input`);
  const [decoded] = await codec.decode([payload]);
  const started = defaultPayloadConverter.fromPayload<{ request?: unknown }>(decoded ?? payload);
  const parsed = generationInputSchema.safeParse(started?.request);
  // Written by this code at start; anything else is not a run this client can reuse.
  if (!parsed.success) throw new RunNotFound(`run ${runId} was started with an input this version cannot read`);
  return parsed.data;
}
