import type { GenerationRequest } from "./generation-form.ts";

/**
 * The seam between the community and generation runs (`@inkstone/workflows/client`: `createGenerationClient`).
 *
 * Pages and endpoints only use `generation()`: while it returns undefined, `/write` validates and explains that
 * generation is not connected, and `/queue` and the run page say they cannot show runs. Wiring it in is one change
 * here: create the client once (`createGenerationClient({ address, namespace, taskQueue })` from communityEnv's
 * TEMPORAL_*), adapt it to this type, and return it; `start` gets `{ quota: GENERATION_QUOTA }`.
 */

export type RunStatus = "queued" | "active" | "done" | "failed" | "cancelled";

export type RunView = {
  runId: string;
  topic: string;
  status: RunStatus;
  /** 1-based place in the queue while queued. */
  position?: number;
  stage?: string;
  percent?: number;
  log?: { at: string; message: string }[];
  creatorId?: string;
  draft?: { documentId: string; locale: string };
};

export type QueueEntry = {
  runId: string;
  topic: string;
  status: "queued" | "active";
  position?: number;
  creatorId?: string;
};

export type GenerationService = {
  /** Starts a run (or finds the same request's run) and resolves with its id; throws on quota or invalid input. */
  start(request: GenerationRequest & { creatorId: string }, options: { quota: number }): Promise<string>;
  getRun(runId: string): Promise<RunView>;
  listQueue(): Promise<QueueEntry[]>;
  cancel(runId: string, actor: { actorId: string; isEditor: boolean }): Promise<void>;
};

/** The generation client, once connected; undefined until the workflows client module is wired in. */
export function generation(): GenerationService | undefined {
  return undefined;
}
