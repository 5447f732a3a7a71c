import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";

// Values are checked before they enter a query: task queue names and creator ids are restricted to safe characters.
function quoted(value: string): string {
  if (!/^[\w.:@-]{1,200}$/.test(value)) throw new Error(`unsafe value in a visibility query: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** Generation runs on `taskQueue` that have not closed. */
export function runningRunsQuery(taskQueue: string): string {
  return `WorkflowType = "generateArticle" AND TaskQueue = ${quoted(taskQueue)} AND ExecutionStatus = "Running"`;
}

/** Runs waiting for a slot (metrics: queue depth). */
export function queuedRunsQuery(taskQueue: string): string {
  return `${runningRunsQuery(taskQueue)} AND ${STAGE_ATTRIBUTE.name} IN ("queued", "resuming")`;
}

/** One creator's runs that count against the quota. */
export function creatorRunsQuery(taskQueue: string, creatorId: string): string {
  return `${runningRunsQuery(taskQueue)} AND ${CREATOR_ATTRIBUTE.name} = ${quoted(creatorId)}`;
}
