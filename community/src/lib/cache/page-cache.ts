import { type ChangeEvent, LOCALES } from "@inkstone/config";
import type { CompressedCoding } from "../compression.ts";
import { SwrCache } from "./swr.ts";

/**
 * A rendered public page as the cache keeps it: bytes, not a stream, so a hit costs no rendering at all; and the same
 * bytes compressed once when stored (brotli and gzip, for text of at least MIN_COMPRESS_BYTES), so a hit costs no
 * compression either. `etag` is the identity body's; each variant's is derived from it (src/lib/compression.ts).
 */
export type CachedPage = {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
  variants: Partial<Record<CompressedCoding, Uint8Array<ArrayBuffer>>>;
};

/** What a page holds in memory: its body and every compressed variant. */
export function pageBytes(page: CachedPage): number {
  let bytes = page.body.byteLength;
  for (const variant of Object.values(page.variants)) bytes += variant?.byteLength ?? 0;
  return bytes;
}

/** The page cache's memory bound, variants counted: room for 5000 typical pages (~40 KB each with both variants). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

export const FRESH_SECONDS = 60;
/** Long enough to ride out a CMS outage; webhooks invalidate changed pages long before this runs out. */
export const STALE_SECONDS = 24 * 3600;

/** Anonymous public pages, keyed by path and query (the path carries the locale). */
export const pageCache = new SwrCache<CachedPage>({
  freshMs: FRESH_SECONDS * 1000,
  staleMs: STALE_SECONDS * 1000,
  maxEntries: 5000,
  maxWeight: MAX_CACHE_BYTES,
  weigh: pageBytes,
});

/**
 * Public pages as members see them, before personalizing: one shell per page shared by every member (it holds both
 * versions of each personal part, src/lib/personal-marks.ts), kept and invalidated exactly like the visitors' copy.
 */
export const memberShells = new SwrCache<string>({
  freshMs: FRESH_SECONDS * 1000,
  staleMs: STALE_SECONDS * 1000,
  maxEntries: 5000,
  maxWeight: MAX_CACHE_BYTES / 2,
  weigh: (html) => html.length * 2,
});

/** What CDNs and browsers are told about public pages: shared caches may keep them briefly and serve them stale. */
export const PUBLIC_CACHE_CONTROL = `public, max-age=0, s-maxage=${FRESH_SECONDS}, stale-while-revalidate=600, stale-if-error=${STALE_SECONDS}`;
/** Personal pages, and every response to a signed-in member. */
export const PRIVATE_CACHE_CONTROL = "private, no-store";

/** The tags a cached page carries, so a change drops exactly the pages that show it. */
export const cacheTags = {
  article: (documentId: string) => `article:${documentId}`,
  comments: (documentId: string, locale: string) => `comments:${documentId}:${locale}`,
  /** Any list of articles in a locale: feeds, tag, category and author pages, RSS. */
  lists: (locale: string) => `list:${locale}`,
  /** Anything showing the member `handle`'s profile or avatar: their page, their bylines, their comments. */
  author: (handle: string) => `author:${handle}`,
  sitemap: "sitemap",
};

/** The author tags of every handle shown (none for a missing author), each once. */
export function authorTags(handles: readonly (string | null | undefined)[]): string[] {
  return [...new Set(handles.filter((handle): handle is string => Boolean(handle)))].map(cacheTags.author);
}

/** The tags to invalidate for a change the CMS reports. */
export function tagsForChange(change: ChangeEvent): string[] {
  // A member's block changes no public page: their comments stay until an editor hides them.
  if (change.model === "member") return [];
  if (change.model === "comment")
    return [cacheTags.comments(change.articleDocumentId, change.locale), cacheTags.lists(change.locale)];
  // The article's page in every locale (its language switch and hreflang point at each other), and the lists.
  const locales = change.locale ? [change.locale] : [...LOCALES];
  return [cacheTags.article(change.documentId), ...locales.map(cacheTags.lists), cacheTags.sitemap];
}

/**
 * For the benchmark's "rendered through the CMS on every request" case only: `INKSTONE_CACHE_BYPASS=1` turns the
 * page cache off, and is ignored when NODE_ENV is production.
 */
export function cacheBypassed(): boolean {
  return process.env.INKSTONE_CACHE_BYPASS === "1" && process.env.NODE_ENV !== "production";
}
