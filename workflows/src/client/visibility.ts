import { CREATOR_ATTRIBUTE, STAGE_ATTRIBUTE } from "../run/search-attributes.ts";

// Values are checked before they enter a query: task queue names and creator ids are restricted to safe characters.
function quoted(value: string): string {
  if (!/^[\w.:@-]{1,200}$/.test(value)) throw new Error(`unsafe value in a visibility query: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

const running = (taskQueue: string) => `TaskQueue = ${quoted(taskQueue)} AND ExecutionStatus = "Running"`;

/** Generation runs on `taskQueue` that have not closed. */
export function runningRunsQuery(taskQueue: string): string {
  return `WorkflowType = "generateArticle" AND ${running(taskQueue)}`;
}

/** Everything that takes a slot on `taskQueue` — runs and answers — and has not closed: the queue. */
export function queueQuery(taskQueue: string): string {
  return `WorkflowType IN ("generateArticle", "answerQuestion") AND ${running(taskQueue)}`;
}

/** Runs and answers waiting for a slot (metrics: queue depth). */
export function waitingWorkQuery(taskQueue: string): string {
  return `${queueQuery(taskQueue)} AND ${STAGE_ATTRIBUTE.name} IN ("queued", "resuming")`;
}

/** One creator's runs that count against the quota. */
export function creatorRunsQuery(taskQueue: string, creatorId: string): string {
  return `${runningRunsQuery(taskQueue)} AND ${CREATOR_ATTRIBUTE.name} = ${quoted(creatorId)}`;
}

/** Every run of one creator on `taskQueue`, in any state (their list of runs). */
export function creatorAllRunsQuery(taskQueue: string, creatorId: string): string {
  return `WorkflowType = "generateArticle" AND TaskQueue = ${quoted(taskQueue)} AND ${CREATOR_ATTRIBUTE.name} = ${quoted(creatorId)}`;
}

/** Everything of one member's that has not closed, runs and answers alike (a block cancels it all). */
export function memberWorkQuery(taskQueue: string, memberId: string): string {
  return `${queueQuery(taskQueue)} AND ${CREATOR_ATTRIBUTE.name} = ${quoted(memberId)}`;
}

/** One member's answers that count against their quota (queued or being written). */
export function memberAnswersQuery(taskQueue: string, memberId: string): string {
  return `WorkflowType = "answerQuestion" AND ${running(taskQueue)} AND ${CREATOR_ATTRIBUTE.name} = ${quoted(memberId)}`;
}
