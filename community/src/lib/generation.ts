import {
  type Actor,
  type AnswerState,
  type AskInputDraft,
  type CancelOutcome,
  createGenerationClient,
  type GenerationClient,
  type GenerationInput,
  type QueueEntry,
  type RunSummary,
  type RunView,
  type StartOptions,
} from "@inkstone/workflows/client";
import { env } from "./env.ts";
import type { GenerationRequest } from "./generation-form.ts";

export { CREATOR_BLOCKED, Forbidden, InvalidRequest, QuotaExceeded, RunNotFound } from "@inkstone/workflows/client";
export type { AnswerState, AskInputDraft, CancelOutcome, GenerationInput, QueueEntry, RunSummary, RunView };

/** The community's handle on generation runs (the workflows package's client module; only it talks to Temporal). */
export type GenerationService = {
  /**
   * Starts a run (or finds the same request's run); throws QuotaExceeded or InvalidRequest. `requestId` (the
   * request's x-request-id) shows up in the worker's log lines for the run and on its calls to the CMS.
   */
  start(request: GenerationRequest & { creatorId: string }, options: StartOptions): Promise<string>;
  getRun(runId: string): Promise<RunView>;
  listQueue(): Promise<QueueEntry[]>;
  /** Cancels the run and says what that did (cancelled, or it had already finished, failed or been cancelled). */
  cancel(runId: string, actor: Actor): Promise<CancelOutcome>;
  /** `creatorId`'s runs, newest first, in every state (the studio lists them). */
  listRunsOf(creatorId: string, options?: { limit?: number }): Promise<RunSummary[]>;
  /** What the run was started with; its creator's (or an editor's) only: Forbidden, RunNotFound. */
  runInput(runId: string, actor: Actor): Promise<GenerationInput>;
  /** Cancels every queued and running run of `creatorId` (a member just blocked); returns how many. */
  cancelRunsOf(creatorId: string): Promise<number>;
  /** Queues an Ask Inkstone answer (it takes a slot like a run); throws QuotaExceeded past `quota` pending answers. */
  startAnswer(input: AskInputDraft, options: { quota: number }): Promise<void>;
  /** Stops the member's answer, queued or being written; throws RunNotFound when it is not theirs. */
  cancelAnswer(answerId: string, memberId: string): Promise<void>;
  answerState(answerId: string): Promise<AnswerState>;
};

let client: Promise<GenerationClient> | undefined;

/** One client per process, connected on first use; a failed connection is retried by the next request. */
function connect(): Promise<GenerationClient> {
  if (!client) {
    const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_CODEC_KEYS } = env();
    client = createGenerationClient({
      address: TEMPORAL_ADDRESS,
      namespace: TEMPORAL_NAMESPACE,
      taskQueue: TEMPORAL_TASK_QUEUE,
      codecKeys: TEMPORAL_CODEC_KEYS,
    }).catch((error: unknown) => {
      client = undefined;
      throw error;
    });
  }
  return client;
}

const service: GenerationService = {
  start: async (request, options) => (await connect()).start(request, options),
  getRun: async (runId) => (await connect()).getRun(runId),
  listQueue: async () => (await connect()).listQueue(),
  cancel: async (runId, actor) => (await connect()).cancel(runId, actor),
  listRunsOf: async (creatorId, options) => (await connect()).listRunsOf(creatorId, options),
  runInput: async (runId, actor) => (await connect()).runInput(runId, actor),
  cancelRunsOf: async (creatorId) => (await connect()).cancelRunsOf(creatorId),
  startAnswer: async (input, options) => {
    await (await connect()).startAnswer(input, options);
  },
  cancelAnswer: async (answerId, memberId) => (await connect()).cancelAnswer(answerId, memberId),
  answerState: async (answerId) => (await connect()).answerState(answerId),
};

/**
 * Whether the worker can search the web: it reads SEARXNG_URL and SERPER_API_KEY, and the community is given the same
 * (only to know whether they are set), so the form offers web search only when it would do something.
 */
export function webSearchAvailable(): boolean {
  const { SEARXNG_URL, SERPER_API_KEY } = env();
  return Boolean(SEARXNG_URL || SERPER_API_KEY);
}

/** The generation service; calls throw when Temporal cannot be reached, and pages answer 503 then. */
export function generation(): GenerationService {
  return service;
}
