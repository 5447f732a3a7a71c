import { searchDocumentId } from "@inkstone/config";
import { type ArticleIndex, findIndex } from "./connection.ts";
import { type IndexDocument, toIndexDocument } from "./document.ts";
import { SearchError, toSearchError } from "./errors.ts";
import { ensureIndex } from "./settings.ts";
import { DEFAULT_TASK_TIMEOUT_MS, expectSucceeded, runTask, settle } from "./tasks.ts";

export type ReindexProgress = {
  phase: "preparing" | "indexing" | "swapping" | "done";
  /** Documents Meilisearch has finished indexing. */
  indexed: number;
  /** Documents refused because they do not fit the contract (see the result for which). */
  skipped: number;
  /** As given in the options, for a progress bar. */
  total?: number;
};

export type ReindexOptions = {
  index: ArticleIndex;
  /** How many documents the source will yield, if known. */
  total?: number;
  onProgress?: (progress: ReindexProgress) => void;
  /** Batches Meilisearch may be indexing at once: enough to keep it busy, few enough to bound memory. */
  maxPendingBatches?: number;
  taskTimeoutMs?: number;
};

export type ReindexResult = {
  indexed: number;
  skipped: { id: string; message: string }[];
  durationMs: number;
};

/**
 * Rebuilds the articles index from `source` (every published article in every locale, in batches) under
 * `nextUid`, then swaps it with the live index in one atomic task and deletes the old one. Queries keep
 * answering from the old index until the swap, and from the new one after it.
 *
 * The sync pauses while the build index exists (see sync.ts): it is created before the source is read, so
 * every outbox row is either reflected in what the source yields or still pending when the swap is done.
 */
export async function reindex(
  source: AsyncIterable<readonly unknown[]>,
  options: ReindexOptions,
): Promise<ReindexResult> {
  const { index, total, onProgress = () => {}, maxPendingBatches = 4 } = options;
  const timeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const started = Date.now();
  const skipped: ReindexResult["skipped"] = [];
  let indexed = 0;
  const report = (phase: ReindexProgress["phase"]) => onProgress({ phase, indexed, skipped: skipped.length, total });

  report("preparing");
  // A crashed reindex may have left its build index: start from nothing.
  await deleteIndex(index, index.nextUid, timeoutMs);
  try {
    // Settings before documents: Meilisearch then indexes each document once, already the right way.
    await ensureIndex(index, index.nextUid, timeoutMs);
    const next = index.client.index(index.nextUid);
    const pending: { taskUid: number; size: number }[] = [];
    const finishOldest = async () => {
      const batch = pending.shift();
      if (!batch) return;
      const [task] = await settle(index.client, [batch.taskUid], timeoutMs);
      if (!task) throw new SearchError("search_failed", `Meilisearch lost task ${batch.taskUid}.`);
      expectSucceeded(task, "indexing a reindex batch");
      indexed += batch.size;
      report("indexing");
    };

    for await (const batch of source) {
      const documents = mapBatch(batch, skipped);
      if (documents.length === 0) continue;
      const { taskUid } = await next.addDocuments(documents, { primaryKey: "id" }).catch((error: unknown) => {
        throw toSearchError(error, "sending a reindex batch");
      });
      pending.push({ taskUid, size: documents.length });
      if (pending.length >= maxPendingBatches) await finishOldest();
    }
    while (pending.length > 0) await finishOldest();

    report("swapping");
    await swapIn(index, timeoutMs);
  } catch (error) {
    // Leave no build index behind: while it exists the sync waits. If the delete fails too (Meilisearch down), the
    // caller needs the first error, and the leftover goes stale, so the sync stops waiting for it.
    await deleteIndex(index, index.nextUid, timeoutMs).catch(() => {});
    throw error;
  }
  report("done");
  return { indexed, skipped, durationMs: Date.now() - started };
}

function mapBatch(batch: readonly unknown[], skipped: ReindexResult["skipped"]): IndexDocument[] {
  const documents: IndexDocument[] = [];
  for (const doc of batch) {
    try {
      documents.push(toIndexDocument(doc as Parameters<typeof toIndexDocument>[0]));
    } catch (error) {
      const record = (doc ?? {}) as { documentId?: unknown; locale?: unknown };
      const id = searchDocumentId(String(record.documentId ?? "?"), String(record.locale ?? "?"));
      skipped.push({ id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return documents;
}

/**
 * Swaps the build index in (renames it on the first reindex, when there is no live index yet) and deletes
 * what is then left under the build uid: the old index.
 *
 * A key limited to `${prefix}*` cannot read the swap task (it belongs to no single index), so success is
 * established another way: Meilisearch runs tasks in the order they were enqueued, so once a no-op task
 * enqueued after the swap has finished, the swap has too; and it took effect if the live uid now names the
 * index we built (same creation time). A rename fails if the sync created the live index meanwhile: then
 * the second attempt swaps.
 */
async function swapIn(index: ArticleIndex, timeoutMs: number): Promise<void> {
  const { client } = index;
  const built = await findIndex(index, index.nextUid);
  if (!built) throw new SearchError("search_failed", `The build index ${index.nextUid} disappeared before the swap.`);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const live = await findIndex(index, index.uid);
    try {
      await client.swapIndexes([{ indexes: [index.nextUid, index.uid], rename: !live }]);
    } catch (error) {
      throw toSearchError(error, "swapping the new index in");
    }
    // Deleting no documents: a task on the build uid that runs after the swap (and fails harmlessly if the
    // swap renamed the index away).
    await runTask(client, () => client.index(index.nextUid).deleteDocuments([]), "waiting for the swap", {
      timeoutMs,
      tolerated: ["index_not_found"],
    });
    if ((await findIndex(index, index.uid))?.createdAt === built.createdAt) {
      await deleteIndex(index, index.nextUid, timeoutMs);
      return;
    }
  }
  throw new SearchError("search_failed", `Swapping ${index.nextUid} into ${index.uid} did not take effect.`);
}

async function deleteIndex(index: ArticleIndex, uid: string, timeoutMs: number): Promise<void> {
  await runTask(index.client, () => index.client.deleteIndex(uid), `deleting index ${uid}`, {
    timeoutMs,
    tolerated: ["index_not_found"],
  });
}
