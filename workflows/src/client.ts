import { setTimeout as delay } from "node:timers/promises";
import { REQUEST_ID_PATTERN } from "@inkstone/config/logger";
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from "@temporalio/client";
import { answerClient } from "./client/answers.ts";
import { type Actor, cancelRun, describeRun } from "./client/cancel.ts";
import { listRunsOf, type RunSummary, runInput } from "./client/creator-runs.ts";
import { InvalidRequest, QuotaExceeded } from "./client/errors.ts";
import { orderQueue, type QueueEntry } from "./client/queue.ts";
import { type RunView, toRunView } from "./client/run-view.ts";
import { creatorRunsQuery, memberWorkQuery, queueQuery } from "./client/visibility.ts";
import {
  type GenerationInput,
  type GenerationInputDraft,
  generationInputSchema,
  normaliseInput,
  runIdFor,
} from "./generation/request.ts";
import { enqueuedUpdate, runStateQuery } from "./run/messages.ts";
import type { CancelOutcome } from "./run/run-state.ts";
import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "./run/search-attributes.ts";
import { RECONNECTING_CHANNEL } from "./temporal/channel.ts";
import { type CodecKey, EncryptionCodec, encryptedDataConverter } from "./temporal/encryption-codec.ts";
import { ensureSearchAttributes } from "./temporal/search-attributes.ts";
// Type-only: runs are started by workflow type name, so the client never loads workflow code.
import type { generateArticle, pingWorkflow } from "./workflows/index.ts";

export type {
  AnswerEnd,
  AnswerEvent,
  AnswerMode,
  AnswerState,
  AskInput,
  AskInputDraft,
  Citation,
  FinalStatus,
} from "./ask/contract.ts";
export { answerEventSchema, askInputSchema, citationSchema } from "./ask/contract.ts";
export type { StartAnswerOptions } from "./client/answers.ts";
export type { Actor } from "./client/cancel.ts";
export type { RunSummary } from "./client/creator-runs.ts";
export { Forbidden, InvalidRequest, QuotaExceeded, RunNotFound } from "./client/errors.ts";
export { checkTemporal } from "./client/health.ts";
export type { AnswerQueueEntry, QueueEntry, RunQueueEntry } from "./client/queue.ts";
export type { RunView } from "./client/run-view.ts";
export type { GenerationInput, GenerationInputDraft } from "./generation/request.ts";
export { generationInputSchema, runIdFor } from "./generation/request.ts";
export type {
  ProviderId,
  RunLogEntry,
  RunLogKey,
  RunLogParams,
  UnreadReason,
  UnreadSource,
  WritingProblem,
} from "./run/log-keys.ts";
export { UNREAD_REASONS } from "./run/log-keys.ts";
export type { CancelOutcome, LogLine, RunResult, RunStatus, Stage, StageMark } from "./run/run-state.ts";
export { CREATOR_BLOCKED, LOG_LIMIT, STAGES } from "./run/run-state.ts";
export type { CodecKey } from "./temporal/encryption-codec.ts";

export type GenerationClientOptions = {
  address: string;
  namespace: string;
  taskQueue: string;
  /** TEMPORAL_CODEC_KEYS, the worker's list: runs' inputs, progress and results are encrypted in Temporal. */
  codecKeys: readonly CodecKey[];
  /** How long start() waits for a new run to be queued (it needs a worker) before returning anyway. */
  enqueueTimeoutMs?: number;
  /** How long one queue listing serves every caller (positions stay within a second of the truth). */
  queueCacheMs?: number;
};

export type StartOptions = {
  /** Runs the creator may have queued or active at once. */
  quota: number;
  /** The id of the request that submits the run (REQUEST_ID_PATTERN): the worker logs it and sends it to the CMS. */
  requestId?: string;
};

/**
 * The community's handle on the generation queue: start, look at, list, cancel and follow runs; start, cancel and
 * follow answers of Ask Inkstone (client/answers.ts), which take the same slots.
 */
export async function createGenerationClient(options: GenerationClientOptions) {
  const connection = await Connection.connect({ address: options.address, channelArgs: RECONNECTING_CHANNEL });
  const client = new Client({
    connection,
    namespace: options.namespace,
    dataConverter: encryptedDataConverter(options.codecKeys),
  });
  await ensureSearchAttributes(connection, options.namespace);
  // Reads run inputs out of histories (runInput): the same keys as the data converter.
  const codec = new EncryptionCodec(options.codecKeys);
  const { taskQueue, enqueueTimeoutMs = 10_000, queueCacheMs = 300 } = options;

  // One visibility call answers every viewer for a moment: the /queue page and each run page poll it.
  // (ARCHITECTURE.md: positions accurate to within a second; `maxAgeMs: 0` asks the server every time.)
  let cached: { at: number; entries: Promise<QueueEntry[]> } | undefined;
  /** Active runs and answers, then queued ones with their positions, in the order they take slots: one visibility call. */
  async function listQueue({ maxAgeMs = queueCacheMs }: { maxAgeMs?: number } = {}): Promise<QueueEntry[]> {
    const now = Date.now();
    if (cached && now - cached.at <= maxAgeMs) return cached.entries;
    const entries = (async () => {
      const executions = [];
      for await (const info of client.workflow.list({ query: queueQuery(taskQueue), pageSize: 1000 }))
        executions.push(info);
      return orderQueue(executions);
    })();
    const entry = { at: now, entries };
    cached = entry;
    // The callers see the failure; here it only means the next call asks the server again.
    entries.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entries;
  }

  async function getRun(runId: string): Promise<RunView> {
    const handle = client.workflow.getHandle(runId);
    // A query is answered by a worker (in milliseconds); without one, the description still says where the run stands.
    const [description, state] = await Promise.all([
      describeRun(client, runId),
      client.withDeadline(Date.now() + 2000, () => handle.query(runStateQuery)).catch(() => undefined),
    ]);
    const queued = state?.status === "queued" || (!state && description.status.name === "RUNNING");
    let queue = queued ? await listQueue() : [];
    // A run submitted a moment ago may not be in the shared snapshot yet.
    if (queued && !queue.some((entry) => entry.kind === "run" && entry.runId === runId))
      queue = await listQueue({ maxAgeMs: 0 });
    return toRunView(runId, description, state, queue);
  }

  return {
    ...answerClient({ client, taskQueue, enqueueTimeoutMs, listQueue }),

    /**
     * Starts a run, or finds the same request's run (a double submit), and returns its id once it is in the queue
     * (or after `enqueueTimeoutMs` when no worker is running). Throws InvalidRequest (400), or QuotaExceeded (429)
     * when the creator already has `quota` runs queued or active.
     */
    async start(input: GenerationInputDraft, { quota, requestId }: StartOptions): Promise<string> {
      const parsed = generationInputSchema.safeParse(input);
      if (!parsed.success)
        throw new InvalidRequest(
          parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
        );
      if (requestId !== undefined && !REQUEST_ID_PATTERN.test(requestId))
        throw new InvalidRequest([
          { path: "requestId", message: "must be 1–64 letters, digits, '.', '_', ':' or '-'" },
        ]);
      const request = normaliseInput(parsed.data);
      const runId = runIdFor(request);
      const { count } = await client.workflow.count(creatorRunsQuery(taskQueue, request.creatorId));
      if (count >= quota) {
        // No such run (or it cannot be described): the request is a new one, and over the quota.
        const existing = await client.workflow
          .getHandle(runId)
          .describe()
          .catch(() => undefined);
        if (existing && ["RUNNING", "COMPLETED"].includes(existing.status.name)) return runId;
        throw new QuotaExceeded(quota, count);
      }
      let handle: WorkflowHandle<typeof generateArticle>;
      try {
        handle = await client.workflow.start<typeof generateArticle>("generateArticle", {
          taskQueue,
          workflowId: runId,
          args: [{ request, ...(requestId ? { requestId } : {}) }],
          // A running run with this id is the same request: join it. A completed one is answered below.
          workflowIdConflictPolicy: "USE_EXISTING",
          workflowIdReusePolicy: "ALLOW_DUPLICATE_FAILED_ONLY",
          memo: { topic: request.topic, creatorId: request.creatorId, language: request.language },
          typedSearchAttributes: [
            { key: STAGE_ATTRIBUTE, value: "queued" },
            { key: CREATOR_ATTRIBUTE, value: request.creatorId },
          ],
        });
      } catch (error) {
        // The same request already produced a draft: that run is the answer.
        if (error instanceof WorkflowExecutionAlreadyStartedError) return runId;
        throw error;
      }
      // Returns once the run's pipeline is in the task queue, so runs submitted one after another are queued (and
      // started) in that order even though workers handle their first workflow tasks concurrently. With no worker
      // running this cannot happen yet; the run is accepted all the same and queues when a worker starts.
      await client
        .withDeadline(Date.now() + enqueueTimeoutMs, () => handle.executeUpdate(enqueuedUpdate))
        .catch(() => undefined);
      return runId;
    },

    getRun,
    listQueue,

    /**
     * Cancels a queued run (it never starts) or an active one (it stops within seconds), and says what happened:
     * `cancelled`, or `already_done` (the draft was saved, or was being saved and is kept), `already_failed`,
     * `already_cancelled`. Owner or editor only (Forbidden); RunNotFound when there is no such run.
     */
    cancel(runId: string, actor: Actor): Promise<CancelOutcome> {
      return cancelRun(client, runId, actor);
    },

    /** `creatorId`'s runs, newest first, in every state (at most `limit`). */
    listRunsOf(creatorId: string, { limit = 50 }: { limit?: number } = {}): Promise<RunSummary[]> {
      return listRunsOf(client, taskQueue, creatorId, limit);
    },

    /** What `runId` was started with (to retry it or start from it). Owner or editor only; needs no worker. */
    runInput(runId: string, actor: Actor): Promise<GenerationInput> {
      return runInput(client, codec, runId, actor);
    },

    /**
     * Cancels every queued or active run and answer of `creatorId` (the community calls it when the CMS reports a
     * block) and returns how many it cancelled. A run submitted within the last second may not be listed yet; the worker checks
     * the creator itself before it starts and before it saves, so such a run saves nothing either.
     */
    async cancelRunsOf(creatorId: string): Promise<number> {
      const handles: WorkflowHandle[] = [];
      for await (const info of client.workflow.list({ query: memberWorkQuery(taskQueue, creatorId), pageSize: 1000 }))
        handles.push(client.workflow.getHandle(info.workflowId, info.runId));
      const results = await Promise.allSettled(handles.map((handle) => handle.cancel()));
      // A run that ended between the listing and its cancel needs no cancel; anything else is the caller's to see.
      const failed = results.flatMap((result) =>
        result.status === "rejected" && !(result.reason instanceof WorkflowNotFoundError) ? [result.reason] : [],
      );
      if (failed.length > 0) throw failed[0];
      return results.filter((result) => result.status === "fulfilled").length;
    },

    /** The run as it changes, polled every `intervalMs`; ends when the run does or `signal` aborts. */
    async *watch(runId: string, { intervalMs = 1000, signal }: { intervalMs?: number; signal?: AbortSignal } = {}) {
      let last = "";
      while (!signal?.aborted) {
        const view = await getRun(runId);
        const key = JSON.stringify(view);
        if (key !== last) {
          last = key;
          yield view;
        }
        if (view.status !== "queued" && view.status !== "active") return;
        // Aborted: the loop condition ends the watch.
        await delay(intervalMs, undefined, { signal }).catch(() => undefined);
      }
    },

    /** Runs the skeleton workflow and waits for its answer. */
    ping(message: string, workflowId = `ping-${crypto.randomUUID()}`): Promise<string> {
      return client.workflow.execute<typeof pingWorkflow>("pingWorkflow", { taskQueue, workflowId, args: [message] });
    },

    close: () => connection.close(),
  };
}

export type GenerationClient = Awaited<ReturnType<typeof createGenerationClient>>;
