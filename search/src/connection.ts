import { SEARCH_INDEX } from "@inkstone/config";
import { type IndexObject, Meilisearch } from "meilisearch";
import { meiliErrorCode, toSearchError } from "./errors.ts";

export type ConnectOptions = {
  host: string;
  /** The admin key for sync and reindex, the search-only key for queries; never the master key. */
  apiKey: string;
  /** Prefix of index names, so several stacks (or test files) share one Meilisearch. */
  indexPrefix?: string;
  /** Per HTTP request; a hung Meilisearch must not hang a page render or the sync loop. */
  timeoutMs?: number;
  /**
   * Ask Meilisearch to compress responses. Off by default: on a local or private network it only costs time
   * (measured on Meilisearch 1.21: ~44 ms per compressed search response against ~2 ms uncompressed, because
   * the compressed stream reaches the client late). Turn on for a Meilisearch across a slow link.
   */
  compression?: boolean;
};

/** A handle on the articles index: the client, the live index uid and the uid a reindex builds under. */
export type ArticleIndex = {
  client: Meilisearch;
  /** The live index everyone queries: `${prefix}articles`. */
  uid: string;
  /** Where a full reindex builds before the swap; while it exists (and is fresh) the sync waits. */
  nextUid: string;
};

/** The live index uid for `indexPrefix`: tenant tokens and tools name the index the same way. */
export function articleIndexUid(indexPrefix = ""): string {
  return `${indexPrefix}${SEARCH_INDEX}`;
}

/** Opens a handle on the articles index (no request is made until it is used). */
export function connectIndex(options: ConnectOptions): ArticleIndex {
  const uid = articleIndexUid(options.indexPrefix);
  return {
    client: new Meilisearch({
      host: options.host,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 5000,
      // fetch asks for gzip/br/deflate unless told otherwise.
      ...(options.compression ? {} : { requestInit: { headers: { "Accept-Encoding": "identity" } } }),
    }),
    uid,
    nextUid: `${uid}_next`,
  };
}

/** The index `uid` as Meilisearch describes it, or undefined when there is none. */
export async function findIndex(index: ArticleIndex, uid: string): Promise<IndexObject | undefined> {
  try {
    return await index.client.getRawIndex(uid);
  } catch (error) {
    if (meiliErrorCode(error) === "index_not_found") return undefined;
    throw toSearchError(error, `reading index ${uid}`);
  }
}
