import type { ArticleIndex } from "./connection.ts";
import { meiliErrorCode, toSearchError } from "./errors.ts";
import { parseSearchParams } from "./query-params.ts";
import { buildSearchRequest } from "./query-request.ts";
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
    const response = await index.client.index(index.uid).search(q, body);
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
