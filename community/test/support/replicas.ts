import type { StackEnv } from "../../../scripts/stack/apps.ts";
import { startTestApps } from "../../../scripts/test/services.ts";
import type { Visitor } from "./visitor.ts";

/**
 * What every community replica of one deployment is given alike: the CMS and its credential, the secrets that seal
 * sessions and sign webhooks, search, Temporal, the shared store, and how it finds client addresses. Each replica
 * keeps its own port and URL.
 */
const SHARED = [
  "CMS_URL",
  "CMS_COMMUNITY_TOKEN",
  "COMMUNITY_WEBHOOK_SECRET",
  "COMMUNITY_SESSION_SECRET",
  "COMMUNITY_DATABASE_URL",
  "TEMPORAL_ADDRESS",
  "TEMPORAL_NAMESPACE",
  "TEMPORAL_TASK_QUEUE",
  "TEMPORAL_CODEC_KEYS",
  "MEILI_URL",
  "MEILI_MASTER_KEY",
  "MEILI_INDEX_PREFIX",
  "MEILI_ADMIN_KEY",
  "MEILI_SEARCH_KEY",
  "GENERATION_QUOTA",
  "TRUSTED_PROXIES",
] as const satisfies readonly (keyof StackEnv)[];

/** Starts one more community process beside the one `first` describes (its CMS, secrets and store); returns its env. */
export async function startAnotherReplica(first: StackEnv): Promise<StackEnv> {
  const shared: StackEnv = {};
  for (const name of SHARED) if (first[name] !== undefined) shared[name] = first[name];
  const { env } = await startTestApps(["community"], shared);
  return env;
}

/** The same browser (its cookies, live, and its headers) talking to the replica at `base`, as a proxy may send it. */
export function onReplica(visitor: Visitor, base: string): Visitor {
  return visitor.at(base);
}
