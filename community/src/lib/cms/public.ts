import type { Locale } from "@inkstone/config";
import { z } from "zod";
import { cachedData } from "../cache/data-cache.ts";
import { authorTags, cacheTags } from "../cache/page-cache.ts";
import { CmsError } from "./errors.ts";
import { cms, type Query } from "./http.ts";
import {
  type Article,
  type ArticleSummary,
  type ArticleWithBody,
  articleSchema,
  articleSummarySchema,
  articleWithBodySchema,
  type Category,
  type Comment,
  categorySchema,
  commentSchema,
  dataOf,
  listOf,
  type Pagination,
  type Profile,
  profileSchema,
  type Tag,
  tagSchema,
} from "./schemas.ts";

/**
 * Public reads with the community's API token: published articles, tags, categories, profiles, visible comments.
 * Every one goes through the data cache, tagged with what makes it wrong, so pages (anyone's) render from memory.
 */

const community = { as: "community" } as const;
const PAGE_SIZE = 12;

export type ArticleList = { articles: ArticleSummary[]; pagination: Pagination };
export type ArticleSort = "latest" | "top";

export type ArticleFilter = {
  tag?: string;
  category?: string;
  author?: string;
  /** Articles sharing any of these tag slugs. */
  anyTag?: readonly string[];
  exclude?: string;
  documentIds?: readonly string[];
  /** A plain case-insensitive match on title or summary (the search fallback). */
  text?: string;
};

function filterQuery(filter: ArticleFilter): Query {
  const query: Query = {};
  if (filter.tag) query["filters[tags][slug][$eq]"] = filter.tag;
  if (filter.category) query["filters[category][slug][$eq]"] = filter.category;
  if (filter.author) query["filters[author][handle][$eq]"] = filter.author;
  if (filter.anyTag?.length) query["filters[tags][slug][$in]"] = filter.anyTag;
  if (filter.exclude) query["filters[documentId][$ne]"] = filter.exclude;
  if (filter.documentIds) query["filters[documentId][$in]"] = filter.documentIds;
  if (filter.text) {
    query["filters[$or][0][title][$containsi]"] = filter.text;
    query["filters[$or][1][summary][$containsi]"] = filter.text;
  }
  return query;
}

const SORTS: Record<ArticleSort, readonly string[]> = {
  latest: ["publishedAt:desc"],
  top: ["likesCount:desc", "publishedAt:desc"],
};

/** A page of published articles in `locale`, newest or most liked first. */
export function listArticles(options: {
  locale: Locale;
  sort?: ArticleSort;
  page?: number;
  pageSize?: number;
  filter?: ArticleFilter;
}): Promise<ArticleList> {
  return cachedData(`articles:${JSON.stringify(options)}`, [cacheTags.lists(options.locale)], () =>
    readArticles(options),
  );
}

async function readArticles(options: Parameters<typeof listArticles>[0]): Promise<ArticleList> {
  const result = await cms("/api/articles", listOf(articleSummarySchema), {
    auth: community,
    query: {
      locale: options.locale,
      sort: SORTS[options.sort ?? "latest"],
      "pagination[page]": options.page ?? 1,
      "pagination[pageSize]": options.pageSize ?? PAGE_SIZE,
      ...filterQuery(options.filter ?? {}),
    },
  });
  return { articles: result.data, pagination: result.pagination };
}

/**
 * The published article with `slug` in `locale`, with its sources; null when there is none (kept too, until any
 * article of that locale changes, so a flood of made-up slugs costs the CMS one read each).
 */
export function articleBySlug(locale: Locale, slug: string): Promise<Article | null> {
  return cachedData(
    `article:${locale}:${slug}`,
    (article) =>
      article
        ? [cacheTags.article(article.documentId), ...authorTags([article.author?.handle])]
        : [cacheTags.lists(locale)],
    () => readArticle(locale, slug),
  );
}

async function readArticle(locale: Locale, slug: string): Promise<Article | null> {
  const found = await cms("/api/articles", listOf(articleWithBodySchema), {
    auth: community,
    query: { locale, "filters[slug][$eq]": slug, "pagination[pageSize]": 1 },
  });
  const row: ArticleWithBody | undefined = found.data[0];
  if (!row) return null;
  // The list read has no sources nor generation metadata; the one-article read populates them.
  const full = await cms(`/api/articles/${encodeURIComponent(row.documentId)}`, dataOf(articleSchema), {
    auth: community,
    query: { locale },
  }).catch((error: unknown) => {
    if (error instanceof CmsError && error.status === 404) return null;
    throw error;
  });
  return full;
}

/** Slugs of the article `documentId` in each locale it is published in (for hreflang and the language switch). */
export function translations(documentId: string, locales: readonly Locale[]): Promise<Partial<Record<Locale, string>>> {
  return cachedData(`translations:${documentId}:${locales.join(",")}`, [cacheTags.article(documentId)], () =>
    readTranslations(documentId, locales),
  );
}

async function readTranslations(
  documentId: string,
  locales: readonly Locale[],
): Promise<Partial<Record<Locale, string>>> {
  const slugs: Partial<Record<Locale, string>> = {};
  const rows = await Promise.all(
    locales.map((locale) =>
      cms("/api/articles", listOf(z.object({ slug: z.string() })), {
        auth: community,
        query: { locale, "filters[documentId][$eq]": documentId, "fields[0]": "slug", "pagination[pageSize]": 1 },
      }),
    ),
  );
  locales.forEach((locale, i) => {
    const slug = rows[i]?.data[0]?.slug;
    if (slug) slugs[locale] = slug;
  });
  return slugs;
}

/** Other articles sharing a tag with `article`, most liked first. */
export async function relatedArticles(article: ArticleSummary, limit = 4): Promise<ArticleSummary[]> {
  const tags = article.tags.map((tag) => tag.slug);
  if (!tags.length) return [];
  const { articles } = await listArticles({
    locale: article.locale,
    sort: "top",
    pageSize: limit,
    filter: { anyTag: tags, exclude: article.documentId },
  });
  return articles;
}

/** The visible thread of an article, oldest first (deleted comments stay as placeholders for their replies). */
export function commentsOf(documentId: string, locale: Locale): Promise<Comment[]> {
  return cachedData(
    `comments:${documentId}:${locale}`,
    (comments) => [
      cacheTags.comments(documentId, locale),
      ...authorTags(comments.map((comment) => comment.author?.handle)),
    ],
    () =>
      cms("/api/comments", dataOf(z.array(commentSchema)), {
        auth: community,
        query: { article: documentId, locale },
      }),
  );
}

/**
 * Tags, categories and profiles change without a webhook (an editor renames a tag, a member edits their profile):
 * they are tagged with `taxonomy`, which nothing invalidates, so they are as fresh as FRESH_SECONDS makes them. A
 * member's avatar is announced by the community itself when they change it (src/lib/changes.ts), so profiles are
 * tagged with their author tag too.
 */
const TAXONOMY = ["taxonomy"];

function oneBy<S extends z.ZodType>(
  path: string,
  schema: S,
  field: string,
  value: string,
  extra: Query = {},
  tags: readonly string[] = TAXONOMY,
): Promise<z.infer<S> | null> {
  return cachedData(`${path}:${field}:${value}:${JSON.stringify(extra)}`, tags, async () => {
    const result = await cms(path, listOf(schema), {
      auth: community,
      query: { [`filters[${field}][$eq]`]: value, "pagination[pageSize]": 1, ...extra },
    });
    return (result.data[0] as z.infer<S> | undefined) ?? null;
  });
}

/** The tag with `slug`, named in `locale` (a tag has the same slug in every locale). */
export const tagBySlug = (slug: string, locale: Locale): Promise<Tag | null> =>
  oneBy("/api/tags", tagSchema, "slug", slug, { locale });
export const categoryBySlug = (slug: string, locale: Locale): Promise<Category | null> =>
  oneBy("/api/categories", categorySchema, "slug", slug, { locale });
export const profileByHandle = (handle: string): Promise<Profile | null> =>
  oneBy("/api/profiles", profileSchema, "handle", handle, { "populate[0]": "links", "populate[1]": "avatar" }, [
    ...TAXONOMY,
    cacheTags.author(handle),
  ]);

function allOf(path: string, locale: Locale): Promise<Tag[]> {
  return cachedData(`${path}:all:${locale}`, TAXONOMY, async () => {
    const result = await cms(path, listOf(tagSchema), {
      auth: community,
      query: { locale, "pagination[pageSize]": 100, sort: "name:asc" },
    });
    return result.data;
  });
}

/** Every tag, named in `locale`, for navigation, the sitemap and labels. */
export const allTags = (locale: Locale): Promise<Tag[]> => allOf("/api/tags", locale);
/** Every category, named in `locale`. */
export const allCategories = (locale: Locale): Promise<Category[]> => allOf("/api/categories", locale);

type Named = { slug: string; name: string };

/**
 * `items` (tags or categories named in another locale, or a facet's commonest name) named as `all` names them; one
 * newer than the kept list is asked for by its slug; one the locale does not have keeps its name.
 */
function renamed<T extends Named>(
  items: readonly T[],
  all: readonly Named[],
  bySlug: (slug: string) => Promise<Named | null>,
): Promise<T[]> {
  const names = new Map(all.map((item) => [item.slug, item.name]));
  return Promise.all(
    items.map(async (item) => ({
      ...item,
      name: names.get(item.slug) ?? (await bySlug(item.slug))?.name ?? item.name,
    })),
  );
}

/** Tags named in `locale`. */
export const tagsInLocale = async <T extends Named>(tags: readonly T[], locale: Locale): Promise<T[]> =>
  renamed(tags, await allTags(locale), (slug) => tagBySlug(slug, locale));
/** Categories named in `locale`. */
export const categoriesInLocale = async <T extends Named>(categories: readonly T[], locale: Locale): Promise<T[]> =>
  renamed(categories, await allCategories(locale), (slug) => categoryBySlug(slug, locale));

const slugOnly = z.object({ slug: z.string() });
const sitemapRow = z.object({
  documentId: z.string(),
  slug: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string(),
  locale: z.string(),
  author: z.object({ handle: z.string() }).nullish(),
  tags: z
    .array(slugOnly)
    .nullish()
    .transform((tags) => tags ?? []),
  category: slugOnly.nullish(),
});
export type SitemapRow = z.infer<typeof sitemapRow>;

/**
 * Every published article of `locale` (slug, id, when it was published and last changed, author, tags and category),
 * for the sitemap; bounded at 50,000.
 */
export async function allArticleSlugs(locale: Locale): Promise<SitemapRow[]> {
  const rows: SitemapRow[] = [];
  for (let page = 1; page <= 500; page++) {
    const result = await cms("/api/articles", listOf(sitemapRow), {
      auth: community,
      query: {
        locale,
        sort: ["publishedAt:desc"],
        "fields[0]": "slug",
        "fields[1]": "updatedAt",
        "fields[2]": "publishedAt",
        "fields[3]": "locale",
        "populate[author][fields][0]": "handle",
        "populate[tags][fields][0]": "slug",
        "populate[category][fields][0]": "slug",
        "pagination[page]": page,
        "pagination[pageSize]": 100,
      },
    });
    rows.push(...result.data);
    if (page >= result.pagination.pageCount) break;
  }
  return rows;
}

/** Published articles by id, in `locale` when translated there, else in the other locale. */
export async function articlesByIds(ids: readonly string[], locales: readonly Locale[]): Promise<ArticleSummary[]> {
  if (!ids.length) return [];
  const found = new Map<string, ArticleSummary>();
  for (const locale of locales) {
    const missing = ids.filter((id) => !found.has(id));
    if (!missing.length) break;
    const { articles } = await listArticles({ locale, pageSize: 100, filter: { documentIds: missing.slice(0, 100) } });
    for (const article of articles) found.set(article.documentId, article);
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}
