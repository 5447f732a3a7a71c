import type { Knex } from "knex";
import { COUNTS_DELAY_MS, enqueueRefresh } from "./outbox.ts";

/**
 * Recomputes an article's counters from the rows they count, on every row of the document (each locale, draft
 * and published), inside the caller's transaction. Recounting instead of incrementing keeps the counts right
 * whatever happened before — a concurrent toggle, an editor saving a stale form, a deleted comment.
 *
 * When the likes or comments the index shows have changed, the article is queued for the index in the same
 * transaction, batched with the changes around it (see `enqueueRefresh`); bookmarks are not indexed.
 */
export async function recount(db: Knex | Knex.Transaction, articleDocumentId: string): Promise<void> {
  // One statement: the CTEs all read the rows as they were before the UPDATE, so `before` holds the old counts.
  const { rows } = await db.raw(
    `WITH counted AS (
       SELECT
         (SELECT count(*) FROM reactions r WHERE r.article_document_id = :id AND r.kind = 'like') AS likes,
         (SELECT count(*) FROM reactions r WHERE r.article_document_id = :id AND r.kind = 'bookmark') AS bookmarks,
         (SELECT count(*) FROM comments c WHERE c.article_document_id = :id AND c.visibility = 'visible') AS comments
     ), before AS (
       SELECT likes_count, comments_count FROM articles WHERE document_id = :id
     ), updated AS (
       UPDATE articles SET likes_count = counted.likes, bookmarks_count = counted.bookmarks,
         comments_count = counted.comments
       FROM counted WHERE document_id = :id
     )
     SELECT EXISTS (
       SELECT 1 FROM before, counted
       WHERE before.likes_count IS DISTINCT FROM counted.likes
          OR before.comments_count IS DISTINCT FROM counted.comments
     ) AS shown_changed`,
    { id: articleDocumentId },
  );
  if ((rows as { shown_changed: boolean }[])[0]?.shown_changed)
    await enqueueRefresh(db, [articleDocumentId], COUNTS_DELAY_MS);
}

/** Serialises changes to one article's counted rows until the transaction ends (two toggles never interleave). */
export async function lockArticle(db: Knex.Transaction, articleDocumentId: string): Promise<void> {
  await db.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`article:${articleDocumentId}`]);
}
