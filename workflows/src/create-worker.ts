import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { type NativeConnection, Worker } from "@temporalio/worker";
import { type ActivityDeps, createActivities } from "./activities/index.ts";
import { type CodecKey, EncryptionCodec } from "./temporal/encryption-codec.ts";

export type WorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Generations run at once on this worker; each holds one activity slot (ARCHITECTURE.md, "Slots and the queue"). */
  concurrency: number;
  activities: ActivityDeps;
  /** TEMPORAL_CODEC_KEYS: what the worker reads and writes in Temporal is encrypted with these. */
  codecKeys: readonly CodecKey[];
};

// Runs from src/*.ts under tests and from dist/*.js in production; the workflow bundle is built from the same place.
const extension = extname(fileURLToPath(import.meta.url));
const workflowsPath = fileURLToPath(new URL(`./workflows/index${extension}`, import.meta.url));
const failureConverterPath = fileURLToPath(new URL(`./temporal/failure-converter${extension}`, import.meta.url));

/** A worker for the generation task queue, with its activities wired to `options.activities`. */
export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    // Inputs, heartbeats (the checkpoint holds source text), signals, queries, results and failure messages are
    // encrypted in the worker and in its workflow bundle alike.
    dataConverter: { payloadCodecs: [new EncryptionCodec(options.codecKeys)], failureConverterPath },
    activities: createActivities(options.activities),
    // The slot limit: the worker polls for another pipeline only while fewer than this many run.
    maxConcurrentActivityTaskExecutions: options.concurrency,
    // Heartbeats reach the server at least every second, so a cancel arrives within seconds (the default throttle
    // is 80% of the heartbeat timeout).
    maxHeartbeatThrottleInterval: "1 second",
    defaultHeartbeatThrottleInterval: "1 second",
    // A dead worker's cached workflows move to another worker quickly.
    stickyQueueScheduleToStartTimeout: "3 seconds",
    // On SIGTERM running pipelines stop at once and report their checkpoint; the run resumes on the next slot.
    shutdownGraceTime: "2 seconds",
  });
}
