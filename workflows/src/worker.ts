import { hostname } from "node:os";
import { workerEnv } from "@inkstone/config";
import { NativeConnection } from "@temporalio/worker";
import { createWorker } from "./create-worker.ts";

// 1. Read and validate configuration; a bad value stops here with a message naming the variable.
const env = workerEnv();

// 2. Connect to Temporal.
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  // 3. Create the worker on the generation task queue.
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    concurrency: env.GENERATION_CONCURRENCY,
    workerId: `${hostname()}:${process.pid}`,
  });
  console.log(
    `worker polling ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS} (${env.GENERATION_CONCURRENCY} generation slots)`,
  );
  // 4. Run until SIGINT/SIGTERM; the SDK's default shutdown signals drain in-flight work first.
  await worker.run();
} finally {
  // 5. Always close the connection.
  await connection.close();
}
