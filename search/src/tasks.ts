import type { Meilisearch, Task } from "meilisearch";
import { SearchError, toSearchError } from "./errors.ts";

/** Long enough for a settings change on a full index; sync callers pass less. */
export const DEFAULT_TASK_TIMEOUT_MS = 120_000;

/** Waits for Meilisearch's tasks to finish (succeeded, failed or canceled) and returns them in order. */
export async function settle(client: Meilisearch, taskUids: number[], timeoutMs: number): Promise<Task[]> {
  if (taskUids.length === 0) return [];
  try {
    return await client.tasks.waitForTasks(taskUids, { timeout: timeoutMs, interval: 25 });
  } catch (error) {
    throw toSearchError(error, "waiting for indexing tasks");
  }
}

/** Throws unless `task` succeeded, or failed only with one of the `tolerated` Meilisearch error codes. */
export function expectSucceeded(task: Task, doing: string, tolerated: readonly string[] = []): void {
  if (task.status === "succeeded") return;
  if (task.error && tolerated.includes(task.error.code)) return;
  const reason = task.error ? `${task.error.message} (${task.error.code})` : task.status;
  throw new SearchError("search_failed", `Meilisearch task ${task.uid} (${doing}) did not succeed: ${reason}`);
}

/** Enqueues with `enqueue`, waits, and throws unless the task succeeded. */
export async function runTask(
  client: Meilisearch,
  enqueue: () => Promise<{ taskUid: number }>,
  doing: string,
  options: { timeoutMs?: number; tolerated?: readonly string[] } = {},
): Promise<Task> {
  let taskUid: number;
  try {
    ({ taskUid } = await enqueue());
  } catch (error) {
    throw toSearchError(error, doing);
  }
  const [task] = await settle(client, [taskUid], options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS);
  if (!task) throw new SearchError("search_failed", `Meilisearch lost task ${taskUid} (${doing}).`);
  expectSucceeded(task, doing, options.tolerated);
  return task;
}
