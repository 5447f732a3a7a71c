import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { type NativeConnection, Worker } from "@temporalio/worker";
import { type ActivityDeps, createActivities } from "./activities/index.ts";

export type WorkerOptions = ActivityDeps & {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Generations run at once on this worker; each holds one activity slot (DESIGN.md, "slots"). */
  concurrency: number;
};

// Runs from src/*.ts under tests and from dist/*.js in production; the workflow bundle is built from the same place.
const workflowsPath = fileURLToPath(
  new URL(`./workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** A worker for the generation task queue, with its activities wired to `options`. */
export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createActivities({ workerId: options.workerId }),
    maxConcurrentActivityTaskExecutions: options.concurrency,
  });
}
