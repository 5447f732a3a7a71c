import { MeilisearchApiError, MeilisearchRequestError, MeilisearchRequestTimeOutError } from "meilisearch";

/** What went wrong, as a stable code callers can branch on (and put in `{ error: { code, message } }`). */
export type SearchErrorCode =
  /** The caller's search parameters are invalid (HTTP 400). */
  | "invalid_search_params"
  /** Meilisearch cannot be reached or timed out: degrade, retry later (HTTP 503). */
  | "search_unavailable"
  /** Meilisearch answered, but refused the request or failed the task (HTTP 500: our bug or its state). */
  | "search_failed"
  /** A document handed over by the CMS does not fit the contract; retrying will not help. */
  | "invalid_document";

const STATUS: Record<SearchErrorCode, number> = {
  invalid_search_params: 400,
  search_unavailable: 503,
  search_failed: 500,
  invalid_document: 422,
};

export type SearchIssue = { path: string; message: string };

/** The one error type the search module throws; `toJSON()` is the body of an error response. */
export class SearchError extends Error {
  override name = "SearchError";
  readonly code: SearchErrorCode;
  /** The HTTP status this error maps to. */
  readonly status: number;
  /** Field-level details for `invalid_search_params`. */
  readonly issues: readonly SearchIssue[];

  constructor(code: SearchErrorCode, message: string, options: { cause?: unknown; issues?: SearchIssue[] } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = STATUS[code];
    this.issues = options.issues ?? [];
  }

  /** True when the same call may succeed later (Meilisearch down or busy). */
  get retryable(): boolean {
    return this.code === "search_unavailable";
  }

  toJSON(): { code: SearchErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Wraps whatever the Meilisearch client threw into a SearchError, telling outages apart from refusals. */
export function toSearchError(error: unknown, doing: string): SearchError {
  if (error instanceof SearchError) return error;
  if (error instanceof MeilisearchRequestError || error instanceof MeilisearchRequestTimeOutError) {
    return new SearchError("search_unavailable", `Search is unavailable (${doing}): ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof MeilisearchApiError) {
    const status = error.response.status;
    // 5xx and 429 are Meilisearch being unwell or busy, which passes; 4xx is a request it will never accept.
    const code = status >= 500 || status === 429 ? "search_unavailable" : "search_failed";
    return new SearchError(code, `Meilisearch refused ${doing}: ${error.cause?.message ?? error.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SearchError("search_failed", `${doing} failed: ${message}`, { cause: error });
}

/** The Meilisearch error code of an API error (`index_not_found`, …), if it is one. */
export function meiliErrorCode(error: unknown): string | undefined {
  return error instanceof MeilisearchApiError ? error.cause?.code : undefined;
}
