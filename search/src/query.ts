import type { ArticleIndex } from "./connection.ts";
import { meiliErrorCode, toSearchError } from "./errors.ts";
import { parseSearchParams } from "./query-params.ts";
import { buildSearchRequest, FALLBACK_MATCHING_STRATEGY } from "./query-request.ts";
import { type SearchResult, toSearchResult } from "./query-result.ts";
import { FACETS } from "./settings.ts";

/**
 * Searches published articles. `input` is validated here (throws `invalid_search_params`, 400); an
 * unreachable Meilisearch throws `search_unavailable` (503) so the caller can fall back to the CMS.
 */
export async function search(index: ArticleIndex, input: unknown): Promise<SearchResult> {
  const params = parseSearchParams(input);
  const { q, body } = buildSearchRequest(params);
  try {
    const articles = index.client.index(index.uid);
    let response = await articles.search(q, body);
    // See MATCHING_STRATEGY: rare words tied for rarest may never meet in one article.
    if (q && response.hits.length === 0 && params.page === 1)
      response = await articles.search(q, { ...body, matchingStrategy: FALLBACK_MATCHING_STRATEGY });
    return toSearchResult(response, params);
  } catch (error) {
    // Before the first sync or reindex there is no index yet: that is "no articles", not an outage.
    if (meiliErrorCode(error) === "index_not_found") return emptyResult(params.q, params.page, params.limit);
    throw toSearchError(error, "searching articles");
  }
}

function emptyResult(query: string, page: number, limit: number): SearchResult {
  const facets = Object.fromEntries(FACETS.map((facet) => [facet, []])) as unknown as SearchResult["facets"];
  return { query, hits: [], facets, total: 0, page, limit, totalPages: 0, processingTimeMs: 0 };
}
