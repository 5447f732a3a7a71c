import { hostname } from "node:os";
import { workerEnv } from "@inkstone/config";
import { createLogger, errorMessage } from "@inkstone/config/logger";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection } from "@temporalio/worker";
import { waitingWorkQuery } from "./client/visibility.ts";
import { createWorker } from "./create-worker.ts";
import { createMetrics } from "./metrics/metrics.ts";
import { serveMetrics } from "./metrics/server.ts";
import { RECONNECTING_CHANNEL } from "./temporal/channel.ts";
import { serveCodec } from "./temporal/codec-server.ts";
import { EncryptionCodec } from "./temporal/encryption-codec.ts";
import { installTemporalLogging } from "./temporal/runtime-logger.ts";
import { ensureSearchAttributes } from "./temporal/search-attributes.ts";
import { createWorkerDeps } from "./worker-deps.ts";

// 1. Read and validate configuration; a bad value stops here with a message naming the variable.
const env = workerEnv();
const workerId = `${hostname()}:${process.pid}`;
const log = createLogger("worker", { level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV }).child({ workerId });
// The SDK's own lines (and the native core's warnings) go to the same log; this must precede any connection.
installTemporalLogging(log, env.LOG_LEVEL);

const opened: { name: string; close(): Promise<void> }[] = [];
try {
  // 2. Connect to Temporal: the worker's native connection, and a client for progress signals and queue metrics.
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  opened.push({ name: "worker connection", close: () => connection.close() });
  const clientConnection = await Connection.connect({
    address: env.TEMPORAL_ADDRESS,
    channelArgs: RECONNECTING_CHANNEL,
  });
  opened.push({ name: "client connection", close: () => clientConnection.close() });
  // Progress signals carry run log lines: encrypted like everything else the worker writes to Temporal.
  const codec = new EncryptionCodec(env.TEMPORAL_CODEC_KEYS);
  const temporal = new Client({
    connection: clientConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: { payloadCodecs: [codec] },
  });

  // 3. Make sure the runs' search attributes exist (the dev server starts without them).
  await ensureSearchAttributes(clientConnection, env.TEMPORAL_NAMESPACE);

  // 4. Metrics on WORKER_METRICS_PORT; a taken port costs the metrics, not the worker.
  const metrics = createMetrics({
    slots: env.GENERATION_CONCURRENCY,
    queueDepth: async () => (await temporal.workflow.count(waitingWorkQuery(env.TEMPORAL_TASK_QUEUE))).count,
  });
  const metricsServer = await serveMetrics(metrics.registry, env.WORKER_METRICS_PORT).catch((error: unknown) => {
    log.error({ err: error, port: env.WORKER_METRICS_PORT }, "metrics not served; the worker runs without them");
    return undefined;
  });
  if (metricsServer)
    opened.push({
      name: "metrics server",
      close: () => new Promise((resolve) => metricsServer.close(() => resolve())),
    });

  // 5. The codec endpoint for the Temporal Web UI, only when a token guards it; a taken port costs the endpoint only.
  const codecServer = env.TEMPORAL_CODEC_TOKEN
    ? await serveCodec({
        codec,
        token: env.TEMPORAL_CODEC_TOKEN,
        uiUrl: env.TEMPORAL_UI_URL,
        logger: log,
        port: env.TEMPORAL_CODEC_PORT,
      }).catch((error: unknown) => {
        log.error(
          { err: error, port: env.TEMPORAL_CODEC_PORT },
          "codec endpoint not served; the worker runs without it",
        );
        return undefined;
      })
    : undefined;
  if (codecServer)
    opened.push({
      name: "codec endpoint",
      close: () => new Promise((resolve) => codecServer.close(() => resolve())),
    });

  // 6. Create the worker on the generation task queue.
  const activityDeps = createWorkerDeps(env, { temporal, metrics, workerId, logger: log });
  opened.push({ name: "page fetcher", close: () => activityDeps.close() });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    concurrency: env.GENERATION_CONCURRENCY,
    activities: activityDeps.deps,
    codecKeys: env.TEMPORAL_CODEC_KEYS,
  });
  log.info(
    {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      temporalAddress: env.TEMPORAL_ADDRESS,
      slots: env.GENERATION_CONCURRENCY,
      writer: env.OPENAI_API_KEY ? `LLM at ${env.OPENAI_BASE_URL}` : "offline",
      metricsPort: metricsServer ? env.WORKER_METRICS_PORT : undefined,
      codecPort: codecServer ? env.TEMPORAL_CODEC_PORT : undefined,
      codecKeys: env.TEMPORAL_CODEC_KEYS.map((key) => key.id),
    },
    "worker polling",
  );

  // 7. Run until SIGINT/SIGTERM. Running pipelines get a moment, then stop and hand their checkpoint to the run,
  //    which resumes on the next free slot (of any worker).
  await worker.run();
  log.info("worker stopped");
} catch (error) {
  log.error({ err: error }, `worker failed: ${errorMessage(error)}`);
  process.exitCode = 1;
} finally {
  // 8. Always close what was opened, newest first; one failure does not keep the rest open.
  for (const resource of opened.reverse()) {
    await resource.close().catch((error: unknown) => {
      log.warn({ err: error }, `closing the ${resource.name} failed`);
    });
  }
}
