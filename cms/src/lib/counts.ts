import type { Knex } from "knex";

/**
 * Recomputes an article's counters from the rows they count, on every row of the document (each locale, draft
 * and published), inside the caller's transaction. Recounting instead of incrementing keeps the counts right
 * whatever happened before — a concurrent toggle, an editor saving a stale form, a deleted comment.
 */
export async function recount(db: Knex | Knex.Transaction, articleDocumentId: string): Promise<void> {
  await db.raw(
    `UPDATE articles SET
       likes_count = (SELECT count(*) FROM reactions r WHERE r.article_document_id = :id AND r.kind = 'like'),
       bookmarks_count = (SELECT count(*) FROM reactions r WHERE r.article_document_id = :id AND r.kind = 'bookmark'),
       comments_count = (SELECT count(*) FROM comments c WHERE c.article_document_id = :id AND c.visibility = 'visible')
     WHERE document_id = :id`,
    { id: articleDocumentId },
  );
}

/** Serialises changes to one article's counted rows until the transaction ends (two toggles never interleave). */
export async function lockArticle(db: Knex.Transaction, articleDocumentId: string): Promise<void> {
  await db.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`article:${articleDocumentId}`]);
}
