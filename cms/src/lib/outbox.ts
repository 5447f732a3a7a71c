import type { Knex } from "knex";

/**
 * The durable outbox the search sync drains: one row per change to an article, written with the change. The table
 * is created by the migration in cms/database/migrations; this file and search-source.ts are its only users.
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
