import { variables } from "@inkstone/config";
import { createGenerationClient, type GenerationClient } from "@inkstone/workflows/client";
import type { StackEnv } from "../../../scripts/stack/apps.ts";

/** The workflows client as the community holds it, on a test stack's Temporal, task queue and codec keys. */
export function generationClientFor(env: StackEnv): Promise<GenerationClient> {
  return createGenerationClient({
    address: String(env.TEMPORAL_ADDRESS),
    namespace: String(env.TEMPORAL_NAMESPACE),
    taskQueue: String(env.TEMPORAL_TASK_QUEUE),
    codecKeys: variables.TEMPORAL_CODEC_KEYS.parse(env.TEMPORAL_CODEC_KEYS),
  });
}
