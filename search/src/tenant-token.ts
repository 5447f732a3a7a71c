import { generateTenantToken } from "meilisearch/token";
import { articleIndexUid } from "./connection.ts";
import { SearchError } from "./errors.ts";

/** A day: tokens are for a browser session's instant search, re-issued with each page. */
export const MAX_TOKEN_SECONDS = 86_400;

export type TenantTokenOptions = {
  /** The search-only key (never the admin or master key): the token can do no more than it. */
  searchKey: string;
  /** That key's uid (`apiKeyUids(prefix).search` for keys made by `ensureApiKeys`). */
  searchKeyUid: string;
  indexPrefix?: string;
  /** Lifetime; default 1 hour, at most a day. */
  expiresInSeconds?: number;
  /** For tests: the issue time. */
  now?: Date;
};

export type TenantToken = { token: string; expiresAt: Date; indexUid: string };

/**
 * A short-lived token a browser may query Meilisearch with directly: it searches the articles index only,
 * and only documents marked published (all of them today; the filter keeps that true if drafts ever join).
 */
export async function tenantToken(options: TenantTokenOptions): Promise<TenantToken> {
  const seconds = options.expiresInSeconds ?? 3600;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
    throw new SearchError(
      "invalid_search_params",
      `expiresInSeconds must be a whole number from 1 to ${MAX_TOKEN_SECONDS}.`,
    );
  }
  const indexUid = articleIndexUid(options.indexPrefix);
  const expiresAt = new Date((options.now ?? new Date()).getTime() + seconds * 1000);
  const token = await generateTenantToken({
    apiKey: options.searchKey,
    apiKeyUid: options.searchKeyUid,
    searchRules: { [indexUid]: { filter: "published = true" } },
    expiresAt,
  });
  return { token, expiresAt, indexUid };
}
