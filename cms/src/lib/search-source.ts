import { type Locale, type OutboxEvent, type SearchDocument, searchDocumentSchema } from "@inkstone/config";
import type { OutboxStore, SyncFailure } from "@inkstone/search";
import type { Core } from "@strapi/strapi";
import { OUTBOX_TABLE } from "./outbox.ts";

const ARTICLE = "api::article.article";

type ArticleRow = {
  documentId: string;
  locale: string;
  slug: string;
  title: string;
  summary?: string | null;
  body?: string | null;
  publishedAt: string | Date;
  likesCount?: number | null;
  commentsCount?: number | null;
  readingTime?: number | null;
  featured?: boolean | null;
  tags?: { slug: string; name: string }[];
  category?: { slug: string; name: string } | null;
  author?: { handle: string; displayName: string } | null;
  cover?: { url: string } | null;
};

/** A published article row as the search module's document. */
export function toSearchDocument(row: ArticleRow): SearchDocument {
  return searchDocumentSchema.parse({
    documentId: row.documentId,
    locale: row.locale,
    slug: row.slug,
    title: row.title,
    summary: row.summary ?? "",
    body: row.body ?? "",
    tags: (row.tags ?? []).map((t) => ({ slug: t.slug, name: t.name })),
    category: row.category ? { slug: row.category.slug, name: row.category.name } : null,
    author: row.author ? { handle: row.author.handle, displayName: row.author.displayName } : null,
    publishedAt: new Date(row.publishedAt).toISOString(),
    likes: row.likesCount ?? 0,
    comments: row.commentsCount ?? 0,
    readingMinutes: row.readingTime ?? 0,
    featured: Boolean(row.featured),
    coverUrl: row.cover?.url ?? null,
  });
}

/** An outbox row as `claim` reads it (bigint ids come back from pg as strings). */
type ClaimedRow = {
  id: string | number;
  action: OutboxEvent["action"];
  document_id: string;
  locale: OutboxEvent["locale"];
  created_at: string | Date;
  attempts: number;
};

/**
 * Tags and categories are localized: an article row links the tag and category rows of its own locale, so each
 * document carries their names in the article's language, and its facets and hit read in it.
 */
const POPULATE = { tags: true, category: true, author: true, cover: true } as const;

/**
 * The CMS side of the search sync: the outbox rows to apply and the published articles they point at. The search
 * module decides what to do with them; only this file knows the tables.
 */
export function outboxStore(strapi: Core.Strapi): OutboxStore & {
  allPublished(batchSize?: number): AsyncIterable<SearchDocument[]>;
  countPublished(): Promise<number>;
} {
  const knex = strapi.db.connection;
  return {
    /**
     * Up to `limit` pending rows that are due, oldest first, leased for five minutes so a concurrent drainer skips
     * them. A row a change is joining is locked, so it is skipped too until that change commits (see
     * `enqueueRefresh`). In SQL: the outbox is not a content type, and the lease needs FOR UPDATE SKIP LOCKED.
     */
    async claim(limit: number): Promise<OutboxEvent[]> {
      const { rows } = await knex.raw(
        `UPDATE ${OUTBOX_TABLE} SET leased_until = now() + interval '5 minutes'
         WHERE id IN (
           SELECT id FROM ${OUTBOX_TABLE}
           WHERE done_at IS NULL AND (leased_until IS NULL OR leased_until < now())
             AND (not_before IS NULL OR not_before <= now())
           ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
         RETURNING id, action, document_id, locale, created_at, attempts`,
        [limit],
      );
      return (rows as ClaimedRow[])
        .map((r) => ({
          id: Number(r.id),
          action: r.action,
          documentId: r.document_id,
          locale: r.locale,
          createdAt: new Date(r.created_at).toISOString(),
          attempts: r.attempts,
        }))
        .sort((a, b) => a.id - b.id);
    },
    /** The currently published versions of a document (one locale, or all when `locale` is null); none if unpublished. */
    async load(documentId: string, locale: Locale | null): Promise<SearchDocument[]> {
      const rows = await strapi.documents(ARTICLE).findMany({
        filters: { documentId },
        status: "published",
        locale: locale ?? "*",
        populate: POPULATE,
      });
      return (rows as unknown as ArticleRow[]).map(toSearchDocument);
    },
    /** Applied: kept (with the time) as a record of what reached the index, until the periodic prune. */
    async markDone(ids: number[]): Promise<void> {
      if (ids.length)
        await knex(OUTBOX_TABLE)
          .whereIn("id", ids)
          .update({ done_at: knex.fn.now(), leased_until: null, last_error: null });
    },
    /** Not applied: stays pending, released for the next drain, with the error for operators. */
    async markFailed(ids: number[], failure: SyncFailure): Promise<void> {
      if (ids.length)
        await knex(OUTBOX_TABLE)
          .whereIn("id", ids)
          .update({
            attempts: knex.raw("attempts + 1"),
            leased_until: null,
            last_error: `${failure.code}: ${failure.message}`.slice(0, 2000),
          });
    },
    /** Every published article, in batches, for a full reindex. */
    async *allPublished(batchSize = 200): AsyncIterable<SearchDocument[]> {
      for (let start = 0; ; start += batchSize) {
        const rows = await strapi.documents(ARTICLE).findMany({
          status: "published",
          locale: "*",
          populate: POPULATE,
          sort: "id:asc",
          start,
          limit: batchSize,
        });
        if (!rows.length) return;
        yield (rows as unknown as ArticleRow[]).map(toSearchDocument);
      }
    },
    /** How many published articles (all locales) a full reindex will index. */
    countPublished: () => strapi.documents(ARTICLE).count({ status: "published", locale: "*" }),
  };
}
