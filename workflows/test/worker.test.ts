import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/stack/wait.ts";
import { startTestApps, testInfra } from "../../scripts/test/services.ts";
import { createGenerationClient } from "../src/client.ts";
import { codecKeysOf } from "./support/worker.ts";

describe("generation worker", () => {
  it("executes a workflow on the Temporal dev server through the built worker process", async () => {
    // Its own metrics port: test files run in parallel, each with workers of its own.
    const { env } = await startTestApps(["worker"], { WORKER_METRICS_PORT: String(await freePort()) });
    const client = await createGenerationClient({
      address: testInfra().temporalAddress,
      namespace: "default",
      taskQueue: env.TEMPORAL_TASK_QUEUE as string,
      codecKeys: codecKeysOf(env),
    });
    try {
      const answer = await client.ping("hello");
      expect(answer).toMatch(/^pong: hello \(worker .+:\d+, attempt 1\)$/);
    } finally {
      await client.close();
    }
  });
});
