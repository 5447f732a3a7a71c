import { Connection } from "@temporalio/client";
import type { StackEnv } from "../../../scripts/stack/apps.ts";
import { freePort } from "../../../scripts/stack/wait.ts";
import { startTestApps, testInfra } from "../../../scripts/test/services.ts";
import { createGenerationClient, type GenerationClient } from "../../src/client.ts";

export type TestWorker = {
  env: StackEnv;
  taskQueue: string;
  metricsUrl: string;
  stop(): Promise<void>;
};

/** A CMS worker token for stand-ins: the worker sends it, the stand-in checks it. */

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

/** The community's client, pointed at `taskQueue`. */
export function generationClient(taskQueue: string): Promise<GenerationClient> {
  return createGenerationClient({ address: testInfra().temporalAddress, namespace: "default", taskQueue });
}

/** A raw Temporal connection, for looking at what the client does not show (histories, pending activities). */
export function temporalConnection(): Promise<Connection> {
  return Connection.connect({ address: testInfra().temporalAddress });
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined/false. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ""}`);
}

/** Citation numbers in a Markdown body (not links, not list numbers). */
export function citationsIn(body: string): number[] {
  return [...body.matchAll(/\[(\d+)\](?![(:])/g)].map((match) => Number(match[1]));
}
