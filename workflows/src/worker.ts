import { hostname } from "node:os";
import { workerEnv } from "@inkstone/config";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection } from "@temporalio/worker";
import { queuedRunsQuery } from "./client/visibility.ts";
import { createWorker } from "./create-worker.ts";
import { createMetrics } from "./metrics/metrics.ts";
import { serveMetrics } from "./metrics/server.ts";
import { ensureSearchAttributes } from "./temporal/search-attributes.ts";
import { createWorkerDeps } from "./worker-deps.ts";

// 1. Read and validate configuration; a bad value stops here with a message naming the variable.
const env = workerEnv();
const workerId = `${hostname()}:${process.pid}`;

// 2. Connect to Temporal: the worker's native connection, and a client for progress signals and queue metrics.
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const deps: { close(): Promise<void> }[] = [];
try {
  const temporal = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });

  // 3. Make sure the runs' search attributes exist (the dev server starts without them).
  await ensureSearchAttributes(clientConnection, env.TEMPORAL_NAMESPACE);

  // 4. Metrics on WORKER_METRICS_PORT; a taken port costs the metrics, not the worker.
  const metrics = createMetrics({
    slots: env.GENERATION_CONCURRENCY,
    queueDepth: async () => (await temporal.workflow.count(queuedRunsQuery(env.TEMPORAL_TASK_QUEUE))).count,
  });
  const metricsServer = await serveMetrics(metrics.registry, env.WORKER_METRICS_PORT).catch((error: Error) => {
    console.error(`metrics not served on port ${env.WORKER_METRICS_PORT}: ${error.message}`);
    return undefined;
  });
  if (metricsServer) deps.push({ close: () => new Promise((resolve) => metricsServer.close(() => resolve())) });

  // 5. Create the worker on the generation task queue.
  const activityDeps = createWorkerDeps(env, temporal, metrics, workerId);
  deps.push(activityDeps);
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    concurrency: env.GENERATION_CONCURRENCY,
    activities: activityDeps.deps,
  });
  console.log(
    `worker polling ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS} (${env.GENERATION_CONCURRENCY} generation slots, ` +
      `${env.OPENAI_API_KEY ? `LLM at ${env.OPENAI_BASE_URL}` : "offline writer"}, metrics on :${env.WORKER_METRICS_PORT})`,
  );

  // 6. Run until SIGINT/SIGTERM. Running pipelines get a moment, then stop and hand their checkpoint to the run,
  //    which resumes on the next free slot (of any worker).
  await worker.run();
} finally {
  // 7. Always close what was opened.
  for (const dep of deps.reverse()) await dep.close();
  await clientConnection.close();
  await connection.close();
}
