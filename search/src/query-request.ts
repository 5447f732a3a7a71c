import type { SearchParams as MeiliSearchParams } from "meilisearch";
import { allOf, equals } from "./filter.ts";
import { hasHan, MEILI_LOCALE, TEXT_KEYS } from "./locales.ts";
import type { SearchParams } from "./query-params.ts";
import { toUnixSeconds } from "./query-params.ts";
import { FACET_ATTRIBUTE } from "./settings.ts";
import { HIGHLIGHT_POST, HIGHLIGHT_PRE } from "./snippet.ts";

/** Words around the first match in a snippet. */
export const SNIPPET_WORDS = 24;

const SORT: Record<SearchParams["sort"], string[] | undefined> = {
  relevance: undefined,
  newest: ["publishedAt:desc"],
  "most-liked": ["likes:desc", "publishedAt:desc"],
};

/**
 * How a member's words are matched: the commonest are let go first, so a question typed in full ("how do I cite
 * my sources", "测试引用的写作方法") still finds the articles its rarer words name. Meilisearch's default ("last")
 * always required the first word, and found nothing for most long questions: on the relevance fixture this took
 * member search's recall@10 from 0.83 to 1.00 (`npm run bench:relevance`). It keeps every word tied for rarest,
 * though, so two rare words that never meet find nothing: `search` then asks again with
 * FALLBACK_MATCHING_STRATEGY.
 */
export const MATCHING_STRATEGY = "frequency" as const;
/** Drops words from the end, keeping the first: what search did before MATCHING_STRATEGY. */
export const FALLBACK_MATCHING_STRATEGY = "last" as const;

/** The Meilisearch request for validated params: `q` and the body of `POST /indexes/:uid/search`. */
export function buildSearchRequest(params: SearchParams): { q: string; body: MeiliSearchParams } {
  const body: MeiliSearchParams = {
    page: params.page,
    hitsPerPage: params.limit,
    facets: Object.values(FACET_ATTRIBUTE),
    attributesToRetrieve: ["id", "documentId", "language", "card", ...TEXT_KEYS.flatMap(textFields)],
    attributesToHighlight: TEXT_KEYS.flatMap(textFields),
    attributesToCrop: TEXT_KEYS.map((key) => `${key}.excerpt`),
    cropLength: SNIPPET_WORDS,
    cropMarker: "…",
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
    matchingStrategy: MATCHING_STRATEGY,
  };
  const filter = buildFilter(params);
  if (filter) body.filter = filter;
  const sort = SORT[params.sort];
  if (sort) body.sort = sort;
  // Meilisearch guesses a query's language, and may guess Japanese for a short Chinese query, which then
  // segments differently from the indexed text. Chinese characters settle it.
  if (hasHan(params.q)) body.locales = [MEILI_LOCALE["zh-CN"]];
  return { q: params.q, body };
}

/** The filter expression for the params, every user value quoted (see filter.ts); undefined for none. */
export function buildFilter(params: SearchParams): string | undefined {
  const clauses: string[] = [];
  for (const tag of params.tags) clauses.push(equals("tags", tag));
  if (params.category) clauses.push(equals("category", params.category));
  if (params.author) clauses.push(equals("author", params.author));
  if (params.language) clauses.push(equals("language", params.language));
  if (params.from) clauses.push(`publishedAt >= ${toUnixSeconds(params.from)}`);
  if (params.to) clauses.push(`publishedAt <= ${toUnixSeconds(params.to, true)}`);
  return clauses.length > 0 ? allOf(clauses) : undefined;
}

function textFields(key: string): string[] {
  return [`${key}.title`, `${key}.summary`, `${key}.excerpt`];
}
