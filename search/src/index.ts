// @inkstone/search: the Meilisearch index of published articles, its sync from the CMS outbox, full reindex,
// the community's query API and tenant tokens. Used by the CMS (admin key) and the community (search key).

/** Exponential backoff with jitter. */
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
/** A handle on the articles index, and the live index uid for a prefix. */
export { type ArticleIndex, articleIndexUid, type ConnectOptions, connectIndex } from "./connection.ts";
/** SearchDocument (CMS contract) → the document stored in Meilisearch. */
export { type IndexDocument, parseSearchDocument, type SearchDocumentInput, toIndexDocument } from "./document.ts";
/** The module's one error type, with a stable code, an HTTP status and `toJSON()` → `{ code, message }`. */
export { SearchError, type SearchErrorCode, type SearchIssue } from "./errors.ts";
/** Quoting user values into Meilisearch filters. */
export { quote as quoteFilterValue } from "./filter.ts";
/** Whether Meilisearch answers and says it is available (the community's /health). */
export { type SearchHealthOptions, searchHealth } from "./health.ts";
/** Indexing and search-only API keys per index prefix (launcher and tests only: they hold the master key). */
export { type ApiKeys, apiKeyUids, ensureApiKeys } from "./keys.ts";
/** Markdown → the plain text that is indexed. */
export { markdownToText } from "./markdown.ts";
/** What the CMS implements over its outbox table. */
export type { OutboxStore, SyncFailure } from "./outbox-store.ts";
/** The community's search: validated params in, render-ready results out. */
export { search } from "./query.ts";
/** Search parameters: schema, validation and reading them from a URL. */
export {
  MAX_LIMIT,
  MAX_QUERY_LENGTH,
  parseSearchParams,
  type SearchParams,
  type SearchParamsInput,
  type SearchSort,
  SORTS,
  searchParamsFromUrl,
  searchParamsSchema,
} from "./query-params.ts";
/** The exact Meilisearch request a search sends (for benchmarks and debugging). */
export { buildFilter, buildSearchRequest } from "./query-request.ts";
/** Search results. */
export type { FacetCount, SearchHit, SearchResult } from "./query-result.ts";
/** Full reindex into a fresh index, swapped in atomically. */
export { type ReindexOptions, type ReindexProgress, type ReindexResult, reindex } from "./reindex.ts";
/** Retrieval for research: a topic or a question in, the articles to read out (no word required, both languages). */
export { type ResearchHit, searchForResearch } from "./research.ts";
export {
  MAX_RESEARCH_LIMIT,
  parseResearchParams,
  RESEARCH_STRATEGIES,
  type ResearchParams,
  type ResearchParamsInput,
  type ResearchStrategy,
} from "./research-request.ts";
/** Index settings as code, and the idempotent call that applies them. */
export { ensureIndex, FACETS, type Facet, INDEX_SETTINGS, MAX_TOTAL_HITS } from "./settings.ts";
/** HTML escaping and highlight → `<mark>` conversion. */
export { escapeHtml, highlightToHtml } from "./snippet.ts";
/** Words the index ignores in queries (settings as code). */
export { STOP_WORDS } from "./stop-words.ts";
/** One drain of the outbox into the live index. */
export { type DrainOptions, type DrainResult, drainOutbox } from "./sync.ts";
/** The long-running sync loop, with backoff while Meilisearch is down. */
export { type SyncEvent, type SyncHandle, type SyncOptions, startSync } from "./sync-loop.ts";
/** The taxonomy in both languages, applied as the index's synonyms (settings as code). */
export { mutualSynonyms, TAXONOMY_GROUPS } from "./synonyms.ts";
/** Short-lived tenant tokens for querying Meilisearch from a browser. */
export { MAX_TOKEN_SECONDS, type TenantToken, type TenantTokenOptions, tenantToken } from "./tenant-token.ts";
