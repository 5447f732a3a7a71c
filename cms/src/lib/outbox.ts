import type { Knex } from "knex";

/**
 * The durable outbox the search sync drains: rows naming the articles to bring up to date in the index, written
 * with the change. The table is created by the migrations in cms/database/migrations; this file and
 * search-source.ts are its only users.
 */
export const OUTBOX_TABLE = "inkstone_outbox";

export type OutboxAction = "upsert" | "remove";

/** Writes an outbox row on `db`, which is the change's own transaction. */
export async function enqueue(
  db: Knex | Knex.Transaction,
  action: OutboxAction,
  documentId: string,
  locale: string | null,
): Promise<void> {
  await db(OUTBOX_TABLE).insert({ action, document_id: documentId, locale });
}

/** How long a counter change waits for the next ones: a burst of likes within it costs one index update. */
export const COUNTS_DELAY_MS = 2000;

/**
 * Asks for the articles to be read again, in every locale, no sooner than `delayMs` from now: for changes to what
 * an article shows but does not own (its counts, its author's name, its tags' and category's names). Written on
 * `db`, the change's own transaction, so a committed change is never lost, a restart included.
 *
 * Batching: an article has at most one such row waiting. A later change joins it instead of adding one — and
 * brings its due time earlier if it is in more of a hurry, never later — so however many likes come, the article
 * is re-indexed once per `delayMs` or so, and the first of them waits at most that long. Only a row no drainer has
 * leased can be joined, and joining locks it (UPDATE) until this transaction ends: the drain's claim skips locked
 * rows, so it cannot read the article before the change that joined the row has committed. A row already leased
 * may have read the article already, so then a new row is written. Two changes racing may both write one; that
 * costs an update, nothing else (the drain reads the article as it is, whatever the rows say).
 */
export async function enqueueRefresh(
  db: Knex | Knex.Transaction,
  documentIds: readonly string[],
  delayMs = 0,
): Promise<void> {
  const ids = [...new Set(documentIds)];
  if (!ids.length) return;
  const due = db.raw("now() + make_interval(secs => ?)", [delayMs / 1000]);
  const joined: { document_id: string }[] = await db(OUTBOX_TABLE)
    .whereIn("document_id", ids)
    .whereNull("locale")
    .whereNull("done_at")
    .whereNull("leased_until")
    .update({ not_before: db.raw("least(coalesce(not_before, now()), ?)", [due]) })
    .returning("document_id");
  const waiting = new Set(joined.map((row) => row.document_id));
  const fresh = ids.filter((id) => !waiting.has(id));
  if (fresh.length)
    await db(OUTBOX_TABLE).insert(
      fresh.map((id) => ({ action: "upsert", document_id: id, locale: null, not_before: due })),
    );
}

export type OutboxRetention = {
  /** Processed rows always kept, newest first, whatever their age. */
  keep: number;
  /** Processed rows younger than this are kept too. */
  maxAgeMs: number;
  /** Rows deleted per statement, so one prune never holds a long lock. */
  batchSize: number;
};

/** A day of processed rows, and at least the last thousand: enough to see what reached the index, and when. */
export const OUTBOX_RETENTION: OutboxRetention = { keep: 1000, maxAgeMs: 24 * 60 * 60 * 1000, batchSize: 5000 };

/**
 * Deletes processed rows that are both older than `maxAgeMs` and not among the newest `keep` processed ones;
 * pending rows are never touched. Runs through the (done_at, id) index in batches; returns how many went.
 */
export async function pruneOutbox(db: Knex, retention: OutboxRetention = OUTBOX_RETENTION): Promise<number> {
  let pruned = 0;
  for (;;) {
    // OFFSET :keep finds the newest processed row outside the kept tail; it and every older one may go.
    const result = await db.raw(
      `DELETE FROM ${OUTBOX_TABLE} WHERE id IN (
         SELECT id FROM ${OUTBOX_TABLE}
         WHERE done_at < now() - make_interval(secs => :maxAgeSeconds)
           AND id <= (SELECT id FROM ${OUTBOX_TABLE} WHERE done_at IS NOT NULL ORDER BY id DESC OFFSET :keep LIMIT 1)
         ORDER BY id LIMIT :batchSize)`,
      { maxAgeSeconds: retention.maxAgeMs / 1000, keep: retention.keep, batchSize: retention.batchSize },
    );
    const deleted: number = result.rowCount ?? 0;
    pruned += deleted;
    if (deleted < retention.batchSize) return pruned;
  }
}
