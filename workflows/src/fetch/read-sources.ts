import { urlKey } from "../research/gather.ts";
import type { Candidate, ReadSource, RunLog } from "../research/types.ts";
import type { UnreadSource } from "../run/log-keys.ts";
import { FetchRefused } from "./address-policy.ts";
import { extractReadable, MAX_SOURCE_CHARS } from "./extract.ts";
import { FetchFailed, type PageFetcher } from "./guarded-fetch.ts";

export type ReadOptions = {
  fetcher: Pick<PageFetcher, "fetchPage">;
  /** Pages fetched at once. */
  concurrency: number;
  /** Most sources kept (the draft's source list is capped at 50). */
  maxSources: number;
  signal: AbortSignal;
  log: RunLog;
  onProgress?: (done: number, total: number) => void;
};

/** Pages shorter than this after extraction are menus, paywalls or errors, not sources. */
const MIN_TEXT = 120;

/** What reading found: the sources, and the candidates that could not be read with why (in the candidates' order). */
export type ReadOutcome = { sources: ReadSource[]; unread: UnreadSource[] };

/**
 * Reads candidates into sources: fetches pages under the SSRF guard with a concurrency limit, extracts their
 * readable text, and drops failures (listed with their reason) and duplicates (same final URL or same text). Keeps
 * the candidates' order.
 */
export async function readSources(candidates: readonly Candidate[], options: ReadOptions): Promise<ReadOutcome> {
  const outcomes: (ReadSource | UnreadSource | undefined)[] = new Array(candidates.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const index = next++;
      const candidate = candidates[index] as Candidate;
      outcomes[index] = await readOne(candidate, options);
      options.onProgress?.(++done, candidates.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, candidates.length) }, worker));
  options.signal.throwIfAborted();

  const sources: ReadSource[] = [];
  const unread: UnreadSource[] = [];
  const urls = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const source of outcomes) {
    if (!source) continue;
    if ("reason" in source) {
      unread.push(source);
      continue;
    }
    const key = urlKey(source.url) ?? source.url;
    const print = fingerprint(source.text);
    const same = urls.get(key) ?? texts.get(print);
    if (same) {
      options.log("info", `skipped ${source.url}: same text as ${same}`, {
        key: "sourceDuplicate",
        params: { url: source.url, same },
      });
      continue;
    }
    if (sources.length >= options.maxSources) {
      options.log("info", `skipped ${source.url}: already ${options.maxSources} sources`, {
        key: "sourceOverLimit",
        params: { url: source.url, max: options.maxSources },
      });
      continue;
    }
    urls.set(key, source.url);
    texts.set(print, source.url);
    sources.push(source);
  }
  return { sources, unread };
}

async function readOne(candidate: Candidate, options: ReadOptions): Promise<ReadSource | UnreadSource> {
  if (candidate.text !== undefined) {
    options.log("info", `community article: ${candidate.title}`, {
      key: "communityArticle",
      params: { title: candidate.title },
    });
    return {
      url: candidate.url,
      title: candidate.title,
      text: candidate.text.slice(0, MAX_SOURCE_CHARS),
      origin: candidate.origin,
    };
  }
  try {
    const page = await options.fetcher.fetchPage(candidate.url, options.signal);
    const { title, text } = extractReadable(page.body, page.contentType, page.url);
    if (text.length < MIN_TEXT) {
      const unread: UnreadSource = { url: candidate.url, reason: "too-little-text" };
      options.log("warn", `skipped ${candidate.url}: too little readable text`, {
        key: "sourceUnread",
        params: unread,
      });
      return unread;
    }
    options.log("info", `read ${title} (${text.length} characters)`, {
      key: "sourceRead",
      params: { title, chars: text.length },
    });
    return {
      url: page.url,
      title: candidate.origin === "creator" ? title : candidate.title || title,
      text,
      origin: candidate.origin,
    };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    const unread = unreadOf(candidate.url, error);
    if (error instanceof FetchRefused) {
      const via = unread.target ? ` (redirected to ${unread.target})` : "";
      options.log("warn", `refused ${candidate.url}${via}: ${error.message}`, { key: "sourceUnread", params: unread });
    } else {
      options.log("warn", `could not read ${candidate.url}: ${(error as Error).message}`, {
        key: "sourceUnread",
        params: unread,
      });
    }
    return unread;
  }
}

/** A fetch failure as the creator is told it: the reason, and what the text needs (status, type, redirect). */
function unreadOf(url: string, error: unknown): UnreadSource {
  if (error instanceof FetchRefused) {
    const unread: UnreadSource = { url, reason: error.reason };
    if (error.target && error.target !== url) unread.target = error.target;
    return unread;
  }
  if (error instanceof FetchFailed) {
    const unread: UnreadSource = { url, reason: error.reason };
    if (error.status !== undefined) unread.status = error.status;
    if (error.type !== undefined) unread.type = error.type;
    if (error.reason === "network") unread.detail = error.message.slice(0, 300);
    return unread;
  }
  // Extraction or an unexpected error: a network-like failure, with its own words.
  return { url, reason: "network", detail: String((error as Error)?.message ?? error).slice(0, 300) };
}

/** Identical articles under different URLs (syndication, mirrors) share this. */
function fingerprint(text: string): string {
  return text
    .slice(0, 2000)
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, "")
    .slice(0, 600);
}
