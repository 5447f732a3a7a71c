import type { Core } from "@strapi/strapi";
import { enqueueRefresh } from "./outbox.ts";
import { wakeSearchSync } from "./search-sync.ts";

const ARTICLE = "api::article.article";

/** What an indexed article shows of a source (see search-source.ts), and the article's relation to it. */
type Source = { shown: readonly string[]; relation: string };

const SOURCES: Record<string, Source | undefined> = {
  "api::profile.profile": { shown: ["displayName", "handle"], relation: "author" },
  "api::tag.tag": { shown: ["name", "slug"], relation: "tags" },
  "api::category.category": { shown: ["name", "slug"], relation: "category" },
};

/** Every write that can change what a source shows or which articles show it (publish, should it ever apply). */
const WATCHED = new Set(["create", "update", "delete", "publish", "unpublish"]);

/** What the index shows of one source: its shown fields (every row of the document) and the published articles. */
type Snapshot = { shown: string; articles: Set<string> };

async function snapshot(strapi: Core.Strapi, uid: string, source: Source, documentId: string): Promise<Snapshot> {
  // db.query, not the Document Service: every row of the document whatever its locale or status, and no
  // middleware (this one included) in between.
  const rows = await strapi.db
    .query(uid as never)
    .findMany({ where: { documentId }, select: [...source.shown], orderBy: { id: "asc" } });
  const articles = await strapi.db.query(ARTICLE).findMany({
    where: { [source.relation]: { documentId }, publishedAt: { $notNull: true } },
    select: ["documentId"],
  });
  return {
    shown: JSON.stringify(rows.map((row) => source.shown.map((field) => (row as Record<string, unknown>)[field]))),
    articles: new Set(articles.map((article) => String(article.documentId))),
  };
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((item) => b.has(item));

/**
 * When an author's profile, a tag or a category changes — in the admin, through the Document Service, or on the
 * member's own /profiles/me — every published article that shows it is queued for the index in the same
 * transaction as the change. Only a change the index would see counts: a new bio re-indexes nothing, a new display
 * name re-indexes every article the author published; articles gaining or losing the source are queued too.
 */
export function registerSourceEvents(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const source = SOURCES[context.uid];
    if (!source || !WATCHED.has(context.action)) return next();
    const given = (context.params as { documentId?: string }).documentId;
    return strapi.db.transaction(async ({ trx, onCommit }) => {
      const before = given ? await snapshot(strapi, context.uid, source, given) : undefined;
      const result = await next();
      const documentId = given ?? (result as { documentId?: string } | null)?.documentId;
      if (!documentId) return result;
      const after = await snapshot(strapi, context.uid, source, documentId);
      if (before && before.shown === after.shown && sameSet(before.articles, after.articles)) return result;
      const articles = [...(before?.articles ?? []), ...after.articles];
      if (!articles.length) return result;
      await enqueueRefresh(trx, articles);
      onCommit(wakeSearchSync);
      return result;
    });
  });
}
