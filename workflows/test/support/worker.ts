import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { variables } from "@inkstone/config";
import { Connection } from "@temporalio/client";
import type { StackEnv } from "../../../scripts/stack/apps.ts";
import { freePort } from "../../../scripts/stack/wait.ts";
import { startTestApps, testInfra } from "../../../scripts/test/services.ts";
import { type CodecKey, createGenerationClient, type GenerationClient } from "../../src/client.ts";

export type TestWorker = {
  env: StackEnv;
  taskQueue: string;
  metricsUrl: string;
  stop(): Promise<void>;
};

/** Builds (when stale) and starts the real worker process with `overrides`, on its own metrics port. */
export async function startWorker(overrides: StackEnv): Promise<TestWorker> {
  const metricsPort = await freePort();
  const { env, stop } = await startTestApps(["worker"], { WORKER_METRICS_PORT: String(metricsPort), ...overrides });
  return {
    env,
    taskQueue: String(env.TEMPORAL_TASK_QUEUE),
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop,
  };
}

/** The keys a test app was started with (each start generates its own, like every other secret). */
export function codecKeysOf(env: StackEnv): CodecKey[] {
  return variables.TEMPORAL_CODEC_KEYS.parse(env.TEMPORAL_CODEC_KEYS);
}

/** The community's client for `worker`: its task queue and its codec keys. */
export function generationClient(
  worker: Pick<TestWorker, "env" | "taskQueue">,
  options: { enqueueTimeoutMs?: number } = {},
): Promise<GenerationClient> {
  return createGenerationClient({
    address: testInfra().temporalAddress,
    namespace: "default",
    taskQueue: worker.taskQueue,
    codecKeys: codecKeysOf(worker.env),
    ...options,
  });
}

/** A raw Temporal connection, for looking at what the client does not show (histories, pending activities). */
export function temporalConnection(): Promise<Connection> {
  return Connection.connect({ address: testInfra().temporalAddress });
}

/** A worker's JSON log line (NODE_ENV=production), as far as tests look at it. */
export type WorkerLogLine = { level: number; msg: string; service?: string; runId?: string; requestId?: string };

/** Lines that every test worker wrote so far (they share one log file) for which `keep` holds. */
export async function workerLogLines(keep: (line: WorkerLogLine) => boolean): Promise<WorkerLogLine[]> {
  const text = await readFile(join(testInfra().logDir, "worker.log"), "utf8");
  return (
    text
      .split("\n")
      // Other lines are the launcher's; a line being written right now is not whole yet.
      .filter((line) => line.startsWith("{") && line.endsWith("}"))
      .map((line) => JSON.parse(line) as WorkerLogLine)
      .filter(keep)
  );
}

/** Citation numbers in a Markdown body (not links, not list numbers). */
export function citationsIn(body: string): number[] {
  return [...body.matchAll(/\[(\d+)\](?![(:])/g)].map((match) => Number(match[1]));
}
