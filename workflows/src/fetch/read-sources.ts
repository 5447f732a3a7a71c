import { urlKey } from "../research/gather.ts";
import type { Candidate, ReadSource, RunLog } from "../research/types.ts";
import { FetchRefused } from "./address-policy.ts";
import { extractReadable, MAX_SOURCE_CHARS } from "./extract.ts";
import type { PageFetcher } from "./guarded-fetch.ts";

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

/**
 * Reads candidates into sources: fetches pages under the SSRF guard with a concurrency limit, extracts their
 * readable text, and drops failures and duplicates (same final URL or same text). Keeps the candidates' order.
 */
export async function readSources(candidates: readonly Candidate[], options: ReadOptions): Promise<ReadSource[]> {
  const outcomes: (ReadSource | undefined)[] = new Array(candidates.length);
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
  const urls = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const source of outcomes) {
    if (!source) continue;
    const key = urlKey(source.url) ?? source.url;
    const print = fingerprint(source.text);
    const same = urls.get(key) ?? texts.get(print);
    if (same) {
      options.log("info", `skipped ${source.url}: same text as ${same}`);
      continue;
    }
    if (sources.length >= options.maxSources) {
      options.log("info", `skipped ${source.url}: already ${options.maxSources} sources`);
      continue;
    }
    urls.set(key, source.url);
    texts.set(print, source.url);
    sources.push(source);
  }
  return sources;
}

async function readOne(candidate: Candidate, options: ReadOptions): Promise<ReadSource | undefined> {
  if (candidate.text !== undefined) {
    options.log("info", `community article: ${candidate.title}`);
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
      options.log("warn", `skipped ${candidate.url}: too little readable text`);
      return undefined;
    }
    options.log("info", `read ${title} (${text.length} characters)`);
    return {
      url: page.url,
      title: candidate.origin === "creator" ? title : candidate.title || title,
      text,
      origin: candidate.origin,
    };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (error instanceof FetchRefused) {
      const via = error.target && error.target !== candidate.url ? ` (redirected to ${error.target})` : "";
      options.log("warn", `refused ${candidate.url}${via}: ${error.message}`);
    } else {
      options.log("warn", `could not read ${candidate.url}: ${(error as Error).message}`);
    }
    return undefined;
  }
}

/** Identical articles under different URLs (syndication, mirrors) share this. */
function fingerprint(text: string): string {
  return text
    .slice(0, 2000)
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, "")
    .slice(0, 600);
}
