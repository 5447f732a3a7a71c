import { MeilisearchError } from "meilisearch";
import { type ArticleIndex, findIndex } from "./connection.ts";
import { SearchError, toSearchError } from "./errors.ts";
import { anyOf } from "./filter.ts";
import type { OutboxStore, SyncFailure } from "./outbox-store.ts";
import { ensureIndex } from "./settings.ts";
import { coalesce, type DocumentWrites, parseEvents, planWrites } from "./sync-plan.ts";
import { settle } from "./tasks.ts";

export type DrainOptions = {
  /** Rows claimed per drain. */
  batchSize?: number;
  /** How long to wait for Meilisearch's tasks before counting the drain as failed (rows stay pending). */
  taskTimeoutMs?: number;
  /** A reindex's build index untouched for this long is a crashed reindex's leftover, not a reason to wait. */
  reindexStaleAfterMs?: number;
  /** How often the live index's settings are re-applied (cheap when unchanged). */
  ensureEveryMs?: number;
};

export type DrainResult = {
  /** idle: nothing pending; paused: a reindex is building, rows left for after its swap; drained: rows handled. */
  status: "idle" | "paused" | "drained";
  claimed: number;
  done: number;
  failed: number;
  /** Why some rows were left pending (a retryable failure, if any, over a permanent one). */
  failure?: SyncFailure;
};

const DEFAULTS = { batchSize: 100, taskTimeoutMs: 60_000, reindexStaleAfterMs: 10 * 60_000, ensureEveryMs: 5 * 60_000 };

// When each handle's live index last had its settings applied; forgotten after a retryable failure.
const ensuredAt = new WeakMap<ArticleIndex, number>();

/**
 * Applies one batch of outbox rows to the live index and returns what happened. Rows are marked done only
 * after Meilisearch reports their task succeeded; on any failure they are marked failed and stay pending.
 * Throws (touching no rows, or leaving claimed rows to their lease) when Meilisearch or the store is down.
 */
export async function drainOutbox(
  store: OutboxStore,
  index: ArticleIndex,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const settings = { ...DEFAULTS, ...options };
  // A reindex reads the CMS after creating its build index; rows left pending until its swap are therefore
  // applied to the new index, and rows drained before are already in what it read. See reindex.ts.
  if (await reindexRunning(index, settings.reindexStaleAfterMs))
    return { status: "paused", claimed: 0, done: 0, failed: 0 };
  if (Date.now() - (ensuredAt.get(index) ?? 0) > settings.ensureEveryMs) {
    await ensureIndex(index, index.uid, settings.taskTimeoutMs);
    ensuredAt.set(index, Date.now());
  }

  const rows = await store.claim(settings.batchSize);
  if (rows.length === 0) return { status: "idle", claimed: 0, done: 0, failed: 0 };
  const failures = new Map<SyncFailure, number[]>();
  const fail = (ids: number[], failure: SyncFailure) =>
    failures.set(failure, [...(failures.get(failure) ?? []), ...ids]);

  const { events, invalidIds } = parseEvents(rows);
  if (invalidIds.length > 0) {
    fail(invalidIds, { code: "invalid_event", message: "The outbox row does not fit the contract.", retryable: false });
  }
  const planned: DocumentWrites[] = [];
  for (const target of coalesce(events)) {
    try {
      planned.push(await planWrites(store, target));
    } catch (error) {
      fail(target.eventIds, failureOf(error, `loading ${target.documentId}`));
    }
  }

  const done: number[] = [];
  const outcome = await write(index, planned, settings.taskTimeoutMs);
  for (const writes of planned) {
    const failure = outcome(writes);
    if (failure) fail(writes.target.eventIds, failure);
    else done.push(...writes.target.eventIds);
  }
  // The index may have been deleted or recreated without settings: check them again on the next drain.
  if ([...failures.keys()].some((failure) => failure.retryable)) ensuredAt.delete(index);

  if (done.length > 0) await store.markDone(done);
  for (const [failure, ids] of failures) await store.markFailed(ids, failure);
  const failed = [...failures.values()].reduce((sum, ids) => sum + ids.length, 0);
  // A retryable failure is the one to report: it is what the loop backs off for.
  const failure = [...failures.keys()].sort((a, b) => Number(b.retryable) - Number(a.retryable))[0];
  return {
    status: "drained",
    claimed: rows.length,
    done: done.length,
    failed,
    ...(failure ? { failure } : {}),
  };
}

/**
 * Enqueues the writes as at most three tasks, in an order that is safe whatever the batch holds (Meilisearch
 * runs an index's tasks in order), waits for them, and returns which failure, if any, concerns each article.
 */
async function write(
  index: ArticleIndex,
  planned: DocumentWrites[],
  timeoutMs: number,
): Promise<(writes: DocumentWrites) => SyncFailure | undefined> {
  const live = index.client.index(index.uid);
  const filters = planned.flatMap((writes) => (writes.deleteFilter ? [writes.deleteFilter] : []));
  const deleteIds = planned.flatMap((writes) => writes.deleteIds);
  const upserts = planned.flatMap((writes) => writes.upserts);
  const taskOf: { filter?: number; ids?: number; upserts?: number } = {};
  let results: Map<number, SyncFailure | undefined>;
  try {
    if (filters.length > 0) taskOf.filter = (await live.deleteDocuments({ filter: anyOf(filters) })).taskUid;
    if (deleteIds.length > 0) taskOf.ids = (await live.deleteDocuments(deleteIds)).taskUid;
    // addDocuments replaces whole documents (updateDocuments would merge stale fields into them).
    if (upserts.length > 0) taskOf.upserts = (await live.addDocuments(upserts, { primaryKey: "id" })).taskUid;
    const tasks = await settle(index.client, Object.values(taskOf), timeoutMs);
    results = new Map(tasks.map((task) => [task.uid, task.status === "succeeded" ? undefined : taskFailure(task)]));
  } catch (error) {
    // Enqueued tasks may still run; that is fine, every write here is idempotent and the rows stay pending.
    const failure = failureOf(error, "writing to the index");
    return () => failure;
  }
  const failureFor = (uid: number | undefined) => (uid === undefined ? undefined : results.get(uid));
  return (writes) =>
    (writes.deleteFilter ? failureFor(taskOf.filter) : undefined) ??
    (writes.deleteIds.length > 0 ? failureFor(taskOf.ids) : undefined) ??
    (writes.upserts.length > 0 ? failureFor(taskOf.upserts) : undefined);
}

function taskFailure(task: {
  uid: number;
  status: string;
  error: { code: string; message: string } | null;
}): SyncFailure {
  const code = task.error?.code ?? `task_${task.status}`;
  // Meilisearch refusing the documents themselves will refuse them again; anything else may pass.
  const permanent = code.startsWith("invalid_document") || code === "missing_document_id";
  const message = `Meilisearch task ${task.uid} ${task.status}: ${task.error?.message ?? "no reason given"}`;
  return { code, message, retryable: !permanent };
}

function failureOf(error: unknown, doing: string): SyncFailure {
  if (error instanceof SearchError || error instanceof MeilisearchError) {
    const searchError = toSearchError(error, doing);
    return { code: searchError.code, message: searchError.message, retryable: searchError.code !== "invalid_document" };
  }
  // Anything else came from the store (the CMS database): it may well be back on the next try.
  const message = error instanceof Error ? error.message : String(error);
  return { code: "store_failed", message: `${doing} failed: ${message}`, retryable: true };
}

/** True while a reindex is building (its build index exists and was written to recently). */
async function reindexRunning(index: ArticleIndex, staleAfterMs: number): Promise<boolean> {
  const next = await findIndex(index, index.nextUid);
  return next !== undefined && Date.now() - Date.parse(next.updatedAt) < staleAfterMs;
}
