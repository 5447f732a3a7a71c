import { currentRequest } from "../request-context.ts";
import { cacheBypassed, FRESH_SECONDS, STALE_SECONDS } from "./page-cache.ts";
import { SwrCache } from "./swr.ts";

/**
 * The CMS's public data (articles, comment threads, lists, tags, profiles), kept in memory the way pages are: fresh
 * for FRESH_SECONDS, then served stale while one background read refreshes it, dropped by the same tags the CMS's
 * webhook invalidates pages by. Public pages and members' pages render from it, so a signed-in page costs the CMS
 * nothing but the member's own small state (src/lib/personal.ts). Only public reads (the community's token) go here;
 * nothing a member may see alone does.
 */
export const dataCache = new SwrCache<unknown>({
  freshMs: FRESH_SECONDS * 1000,
  staleMs: STALE_SECONDS * 1000,
  maxEntries: 20_000,
  // Roughly the JSON's size: article bodies dominate.
  maxWeight: 128 * 1024 * 1024,
  weigh: (value) => (value === null || value === undefined ? 16 : JSON.stringify(value).length),
});

/**
 * Search results (Meilisearch's answers, by their parameters): a popular query is asked once every few seconds, not
 * once per reader. Fresh for 5 s only, because the index follows a publication a moment after the webhook that drops
 * these: a result read in between is soon read again.
 */
export const searchCache = new SwrCache<unknown>({
  freshMs: 5_000,
  staleMs: 60_000,
  maxEntries: 2_000,
  maxWeight: 32 * 1024 * 1024,
  weigh: (value) => JSON.stringify(value).length,
});

/**
 * `load()`'s value, from the cache when it holds one for `key`: fresh at once; stale at once while a background read
 * refreshes it; missing or invalidated, read once however many ask at the same moment. When the read fails, the
 * last value is used if there is one (and the request marked degraded, so the page cache does not keep what it
 * renders as fresh), else the error is thrown (the page answers 503). `tags` says which changes
 * make the value wrong (see cacheTags); a value that cannot be known until read (an article's id from its slug) is
 * tagged from the value itself. `cache` is the data cache unless another is named (search results have their own).
 */
export async function cachedData<T>(
  key: string,
  tags: readonly string[] | ((value: T) => readonly string[]),
  load: () => Promise<T>,
  cache: SwrCache<unknown> = dataCache,
): Promise<T> {
  if (cacheBypassed()) return load();
  const tagsOf = (value: T) => (typeof tags === "function" ? tags(value) : tags);
  const hit = cache.lookup(key);
  if (hit?.state === "fresh") return hit.entry.value as T;
  if (hit?.state === "stale") {
    if (cache.shouldRefresh(key))
      void cache.refresh(key, async () => {
        const value = await load();
        return { value, tags: tagsOf(value) };
      });
    return hit.entry.value as T;
  }
  let failure: { error: unknown } | undefined;
  const entry =
    (await cache.inflight(key)) ??
    (await cache.refresh(key, async () => {
      try {
        const value = await load();
        return { value, tags: tagsOf(value) };
      } catch (error) {
        failure = { error };
        throw error;
      }
    }));
  if (entry) return entry.value as T;
  if (hit) {
    const request = currentRequest();
    if (request) request.degraded = true;
    return hit.entry.value as T;
  }
  // Someone else's read failed (theirs was shared): read once more ourselves, and let its error speak.
  if (!failure) return load();
  throw failure.error;
}
