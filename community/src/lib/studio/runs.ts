import type { RunSummary } from "@inkstone/workflows/client";
import { generation } from "../generation.ts";
import { requestLog } from "../request-context.ts";

export type { RunSummary };

/** How many of the member's runs the studio lists, newest first. */
export const STUDIO_RUNS = 50;

/**
 * The member's runs, newest first; undefined when Temporal cannot be reached right now (the studio still shows the
 * member's articles, which come from the CMS, and says so).
 */
export async function myRuns(creatorId: string): Promise<RunSummary[] | undefined> {
  try {
    return await generation().listRunsOf(creatorId, { limit: STUDIO_RUNS });
  } catch (error) {
    requestLog().warn({ err: error }, "the member's runs could not be listed; the studio shows their articles only");
    return undefined;
  }
}
