import type { ReviewState, StudioArticle, StudioArticleSummary } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";

/**
 * A creator's articles as the studio reads them: always the draft version (what the creator edits and an editor
 * reviews), with the time of its published version, if any. Only the author (the member whose profile is the
 * article's `author`) reads one; to anyone else it does not exist.
 */

export const ARTICLE = "api::article.article";

/** The one answer for a draft that is someone else's and for one that does not exist. */
export const NOT_FOUND = "No such draft.";

type Time = string | Date;

/** A draft row as the Document Service gives it, with what the studio populates. */
export type DraftRow = {
  id: number;
  documentId: string;
  locale: string;
  title: string;
  slug: string;
  summary: string | null;
  body: string;
  reviewState: ReviewState | null;
  reviewNote: string | null;
  submittedAt: Time | null;
  updatedAt: Time;
  sources?: { title: string; url: string | null; excerpt: string | null }[];
  tags?: { name: string }[];
  generation?: { runId: string | null } | null;
  author?: { id: number } | null;
};

const iso = (time: Time) => new Date(time).toISOString();

/** Rows written before the review state existed, and by callers that set none, are drafts. */
export const stateOf = (row: Pick<DraftRow, "reviewState">): ReviewState => row.reviewState ?? "draft";

/** The draft's `version`: the time it was last saved, which a save must send back. */
export const versionOf = (row: Pick<DraftRow, "updatedAt">) => iso(row.updatedAt);

/** Whether `version` (any ISO form) names the same moment as the draft's last save. */
export const isCurrentVersion = (row: Pick<DraftRow, "updatedAt">, version: string) =>
  new Date(version).getTime() === new Date(row.updatedAt).getTime();

const READ = {
  populate: {
    sources: true,
    tags: { fields: ["name"] },
    generation: { fields: ["runId"] },
    author: { fields: ["id"] },
  },
} as const;

/** The member's draft of `documentId` in `locale`, or 404 — whether it is someone else's or does not exist. */
export async function ownDraft(
  strapi: Core.Strapi,
  profileId: number,
  documentId: string,
  locale: string,
): Promise<DraftRow> {
  const row = (await strapi
    .documents(ARTICLE)
    .findOne({ documentId, locale, status: "draft", ...READ } as never)) as unknown as DraftRow | null;
  if (!row || row.author?.id !== profileId || row.locale !== locale) throw new errors.NotFoundError(NOT_FOUND);
  return row;
}

/** When `documentId` was published in `locale`, or null while it is not. */
async function publishedAtOf(strapi: Core.Strapi, documentId: string, locale: string): Promise<string | null> {
  const published = (await strapi
    .documents(ARTICLE)
    .findOne({ documentId, locale, status: "published", fields: ["publishedAt"] } as never)) as {
    publishedAt: Time | null;
  } | null;
  return published?.publishedAt ? iso(published.publishedAt) : null;
}

type SummaryFields = Pick<
  DraftRow,
  "documentId" | "locale" | "title" | "slug" | "reviewState" | "reviewNote" | "submittedAt" | "updatedAt" | "generation"
>;

function summaryOf(row: SummaryFields, publishedAt: string | null): StudioArticleSummary {
  return {
    documentId: row.documentId,
    locale: row.locale,
    title: row.title,
    slug: row.slug,
    reviewState: stateOf(row),
    reviewNote: row.reviewNote ?? "",
    submittedAt: row.submittedAt ? iso(row.submittedAt) : null,
    publishedAt,
    runId: row.generation?.runId ?? null,
    updatedAt: iso(row.updatedAt),
  };
}

/** The studio's whole view of a draft row. */
export async function studioArticle(strapi: Core.Strapi, row: DraftRow): Promise<StudioArticle> {
  const { updatedAt: _updatedAt, ...summary } = summaryOf(row, await publishedAtOf(strapi, row.documentId, row.locale));
  return {
    ...summary,
    summary: row.summary ?? "",
    body: row.body,
    sources: (row.sources ?? []).map((s) => ({ title: s.title, url: s.url ?? "", excerpt: s.excerpt ?? "" })),
    tags: (row.tags ?? []).map((t) => t.name),
    version: versionOf(row),
  };
}

type ListedRow = Pick<
  DraftRow,
  "documentId" | "locale" | "title" | "slug" | "reviewState" | "reviewNote" | "submittedAt" | "updatedAt"
> & { runId: string | null; publishedAt: Time | null; total: number };

/**
 * A page of the member's articles: each document and locale once, from its draft, last saved first, with when it was
 * published and the run that made it. One SQL round trip (the studio is a signed-in page on every visit): the
 * Document Service took three, each with a query per component. Relations and components live in Strapi's
 * `<collection>_<attribute>_lnk` and `<collection>_cmps` tables.
 */
export async function ownDrafts(
  strapi: Core.Strapi,
  profileId: number,
  { page, pageSize }: { page: number; pageSize: number },
): Promise<{ rows: StudioArticleSummary[]; total: number }> {
  const { rows } = (await strapi.db.connection.raw(
    `SELECT d.document_id AS "documentId", d.locale, d.title, d.slug, d.review_state AS "reviewState",
            d.review_note AS "reviewNote", d.submitted_at AS "submittedAt", d.updated_at AS "updatedAt",
            g.run_id AS "runId", p.published_at AS "publishedAt", count(*) OVER ()::int AS total
       FROM articles d
       JOIN articles_author_lnk a ON a.article_id = d.id AND a.profile_id = ?
       LEFT JOIN articles p ON p.document_id = d.document_id AND p.locale = d.locale AND p.published_at IS NOT NULL
       LEFT JOIN articles_cmps c ON c.entity_id = d.id AND c.field = 'generation'
       LEFT JOIN components_article_generations g ON g.id = c.cmp_id
      WHERE d.published_at IS NULL
      ORDER BY d.updated_at DESC, d.id DESC
      OFFSET ? LIMIT ?`,
    [profileId, (page - 1) * pageSize, pageSize],
  )) as { rows: ListedRow[] };
  const total = rows[0]?.total ?? (page > 1 ? await countOwnDrafts(strapi, profileId) : 0);
  return {
    rows: rows.map((row) =>
      summaryOf({ ...row, generation: { runId: row.runId } }, row.publishedAt ? iso(row.publishedAt) : null),
    ),
    total,
  };
}

/** How many drafts the member has (asked only for a page past the end, whose rows cannot carry the total). */
async function countOwnDrafts(strapi: Core.Strapi, profileId: number): Promise<number> {
  const { rows } = (await strapi.db.connection.raw(
    `SELECT count(*)::int AS n FROM articles d
       JOIN articles_author_lnk a ON a.article_id = d.id AND a.profile_id = ?
      WHERE d.published_at IS NULL`,
    [profileId],
  )) as { rows: { n: number }[] };
  return rows[0]?.n ?? 0;
}
