import {
  type AnswerState,
  type AskInputDraft,
  createGenerationClient,
  type GenerationClient,
  type QueueEntry,
  type RunView,
  type StartOptions,
} from "@inkstone/workflows/client";
import { env } from "./env.ts";
import type { GenerationRequest } from "./generation-form.ts";

export { CREATOR_BLOCKED, Forbidden, InvalidRequest, QuotaExceeded, RunNotFound } from "@inkstone/workflows/client";
export type { AnswerState, AskInputDraft, QueueEntry, RunView };

/** The community's handle on generation runs (the workflows package's client module; only it talks to Temporal). */
export type GenerationService = {
  /**
   * Starts a run (or finds the same request's run); throws QuotaExceeded or InvalidRequest. `requestId` (the
   * request's x-request-id) shows up in the worker's log lines for the run and on its calls to the CMS.
   */
  start(request: GenerationRequest & { creatorId: string }, options: StartOptions): Promise<string>;
  getRun(runId: string): Promise<RunView>;
  listQueue(): Promise<QueueEntry[]>;
  cancel(runId: string, actor: { actorId: string; isEditor: boolean }): Promise<void>;
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
  cancelRunsOf: async (creatorId) => (await connect()).cancelRunsOf(creatorId),
  startAnswer: async (input, options) => {
    await (await connect()).startAnswer(input, options);
  },
  cancelAnswer: async (answerId, memberId) => (await connect()).cancelAnswer(answerId, memberId),
  answerState: async (answerId) => (await connect()).answerState(answerId),
};

/** The generation service; calls throw when Temporal cannot be reached, and pages answer 503 then. */
export function generation(): GenerationService {
  return service;
}
