import { LOCALES, type Locale } from "@inkstone/config";
import {
  type ArticleIndex,
  connectIndex,
  escapeHtml,
  FACETS,
  parseSearchParams,
  SearchError,
  type SearchIssue,
  type SearchParams,
  type SearchResult,
  search,
  searchParamsFromUrl,
  searchParamsSchema,
} from "@inkstone/search";
import { cachedData, searchCache } from "./cache/data-cache.ts";
import { cacheTags } from "./cache/page-cache.ts";
import { categoriesInLocale, listArticles, tagsInLocale } from "./cms/public.ts";
import { env } from "./env.ts";
import { requestLog } from "./request-context.ts";

/**
 * The search page's one entry point. Queries go through @inkstone/search (Meilisearch with the search-only key:
 * facets, escaped filters, highlighted snippets sanitised by the module). When Meilisearch is down the page still
 * answers, from the CMS: a case-insensitive match on title or summary, no facets nor snippets, `degraded: true`.
 */

export type SearchView =
  | { kind: "results"; params: SearchParams; result: SearchResult; degraded: boolean }
  | { kind: "invalid"; message: string; issues: readonly SearchIssue[] };

let index: ArticleIndex | undefined;
function articleIndex(): ArticleIndex {
  const { MEILI_URL, MEILI_SEARCH_KEY, MEILI_INDEX_PREFIX } = env();
  index ??= connectIndex({
    host: MEILI_URL,
    apiKey: MEILI_SEARCH_KEY,
    indexPrefix: MEILI_INDEX_PREFIX,
    timeoutMs: 2000,
  });
  return index;
}

/** The parameters the search reads; `tags` alone may repeat. */
const KNOWN = new Set(Object.keys(searchParamsSchema.shape));
/** Campaign tags on links into the site: not the search's, but no reason to refuse a visitor. */
const IGNORED = /^utm_[a-z]+$/;

/**
 * What the search cannot run as asked: a parameter it does not know (`filters[id][$eq]`, `tags[]`, `sort[0]`: the
 * CMS's syntax is not ours, and a search that ignored them would answer something other than what was asked), or one
 * given twice that takes one value.
 */
function unknownParameters(query: URLSearchParams): SearchIssue[] {
  const issues: SearchIssue[] = [];
  for (const key of new Set(query.keys())) {
    if (IGNORED.test(key)) continue;
    if (!KNOWN.has(key))
      issues.push({ path: key.slice(0, 60), message: `unknown parameter; use ${[...KNOWN].join(", ")}` });
    else if (key !== "tags" && query.getAll(key).length > 1)
      issues.push({ path: key, message: "given more than once; it takes one value" });
  }
  return issues;
}

/** Searches with the parameters in `query` (q, tags, category, author, language, from, to, sort, page). */
export async function searchArticles(query: URLSearchParams, locale: Locale): Promise<SearchView> {
  const unknown = unknownParameters(query);
  if (unknown.length)
    return {
      kind: "invalid",
      message: `Invalid search: ${unknown.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}.`,
      issues: unknown,
    };
  let params: SearchParams;
  try {
    params = parseSearchParams(searchParamsFromUrl(query));
  } catch (error) {
    if (error instanceof SearchError) return { kind: "invalid", message: error.message, issues: error.issues };
    throw error;
  }
  try {
    // Any publication in either language may change any result.
    const result = await cachedData(
      `search:${JSON.stringify(params)}`,
      LOCALES.map(cacheTags.lists),
      () => search(articleIndex(), params),
      searchCache,
    );
    return { kind: "results", params, result: await facetsInLocale(result, locale), degraded: false };
  } catch (error) {
    if (!(error instanceof SearchError) || error.code === "invalid_search_params") throw error;
    requestLog().warn({ err: error }, "Meilisearch unavailable; searching titles and summaries through the CMS");
    return { kind: "results", params, result: await fromCms(params, locale), degraded: true };
  }
}

/**
 * The search counts a tag once whatever the language of the articles it is counted on, labelled with its
 * commonest name; the page names tags and categories in its own language.
 */
async function facetsInLocale(result: SearchResult, locale: Locale): Promise<SearchResult> {
  const [tags, category] = await Promise.all([
    tagsInLocale(
      result.facets.tags.map((f) => ({ ...f, slug: f.value, name: f.label })),
      locale,
    ),
    categoriesInLocale(
      result.facets.category.map((f) => ({ ...f, slug: f.value, name: f.label })),
      locale,
    ),
  ]);
  const facet = ({ value, name, count }: { value: string; name: string; count: number }) => ({
    value,
    label: name,
    count,
  });
  return { ...result, facets: { ...result.facets, tags: tags.map(facet), category: category.map(facet) } };
}

/** The degraded path: the CMS matches titles and summaries in one language (the filter's, else the page's). */
async function fromCms(params: SearchParams, locale: Locale): Promise<SearchResult> {
  const { articles, pagination } = await listArticles({
    locale: params.language ?? locale,
    sort: params.sort === "most-liked" ? "top" : "latest",
    page: params.page,
    pageSize: params.limit,
    filter: {
      ...(params.q ? { text: params.q } : {}),
      ...(params.tags[0] ? { tag: params.tags[0] } : {}),
      ...(params.category ? { category: params.category } : {}),
      ...(params.author ? { author: params.author } : {}),
    },
  });
  const facets = Object.fromEntries(FACETS.map((facet) => [facet, []])) as unknown as SearchResult["facets"];
  return {
    query: params.q,
    hits: articles.map((article) => ({
      documentId: article.documentId,
      locale: article.locale,
      slug: article.slug,
      titleHtml: escapeHtml(article.title),
      summaryHtml: escapeHtml(article.summary),
      snippetHtml: "",
      tags: article.tags.map(({ slug, name }) => ({ slug, name })),
      category: article.category ? { slug: article.category.slug, name: article.category.name } : null,
      author: article.author ? { handle: article.author.handle, displayName: article.author.displayName } : null,
      publishedAt: article.publishedAt,
      likes: article.likesCount,
      comments: article.commentsCount,
      readingMinutes: article.readingTime,
      featured: Boolean(article.featured),
      coverUrl: null,
    })),
    facets,
    total: pagination.total,
    page: pagination.page,
    limit: params.limit,
    totalPages: pagination.pageCount,
    processingTimeMs: 0,
  };
}

/** `url` with one filter turned on or off (and back to page 1), for facet links that work without JavaScript. */
export function toggleFilter(url: URL, name: "tags" | "category" | "author" | "language", value: string): string {
  const next = new URL(url);
  next.searchParams.delete("page");
  const current = next.searchParams.getAll(name);
  next.searchParams.delete(name);
  if (name === "tags") {
    const tags = current.includes(value) ? current.filter((tag) => tag !== value) : [...current, value];
    for (const tag of tags) next.searchParams.append("tags", tag);
  } else if (!current.includes(value)) next.searchParams.set(name, value);
  return next.pathname + next.search;
}
