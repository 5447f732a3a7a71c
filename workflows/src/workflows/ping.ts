import { proxyActivities } from "@temporalio/workflow";
// Type-only: workflow code runs in Temporal's deterministic sandbox and must not load activity code.
import type { Activities } from "../activities/index.ts";

const { ping } = proxyActivities<Activities>({
  startToCloseTimeout: "30 seconds",
  retry: { maximumAttempts: 3 },
});

/** The skeleton's workflow: one activity on the generation task queue, end to end. */
export async function pingWorkflow(message: string): Promise<string> {
  return await ping(message);
}
