import type { Candidate, ResearchContext, ResearchProvider } from "./types.ts";

/** Most web results read per run; the creator's URLs are always all read. */
const WEB_LIMIT = 8;

/**
 * Asks every applicable provider at once and merges the answers: the creator's URLs first, then community articles,
 * then web results, without repeating a URL. A provider that fails is logged and skipped.
 */
export async function gatherCandidates(
  providers: readonly ResearchProvider[],
  context: ResearchContext,
): Promise<Candidate[]> {
  const applicable = providers.filter((provider) => !provider.web || context.request.webSearch);
  const webProviders = providers.filter((provider) => provider.web);
  if (context.request.webSearch && webProviders.length === 0)
    // Asked for, and nothing to do it with: said, rather than silently reading less.
    context.log(
      "warn",
      "web search was asked for, but no search provider is configured: only your URLs, your material and the community's articles are read",
      { key: "webSearchUnavailable" },
    );
  else if (!context.request.webSearch && webProviders.length)
    context.log("info", "web search is off for this article", { key: "webSearchOff" });
  const answers = await Promise.allSettled(applicable.map((provider) => provider.search(context)));
  const seen = new Set<string>();
  const merged: Candidate[] = [];
  let web = 0;
  answers.forEach((answer, index) => {
    const provider = applicable[index];
    if (!provider) return;
    if (answer.status === "rejected") {
      if (context.signal.aborted) throw context.signal.reason;
      const reason = String((answer.reason as Error).message ?? answer.reason);
      context.log("warn", `${provider.name}: ${reason}`, {
        key: "providerFailed",
        params: { provider: provider.id, reason: reason.slice(0, 300) },
      });
      return;
    }
    let added = 0;
    for (const candidate of answer.value) {
      const key = urlKey(candidate.url);
      if (key === undefined || seen.has(key)) continue;
      if (provider.web && web >= WEB_LIMIT) break;
      seen.add(key);
      merged.push(candidate);
      added++;
      if (provider.web) web++;
    }
    context.log("info", `${provider.name}: ${added} new source(s) to read`, {
      key: "providerFound",
      params: { provider: provider.id, count: added },
    });
  });
  return merged;
}

/** The same page under trivially different URLs (fragment, tracking parameters, trailing slash) maps to one key. */
export function urlKey(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    url.hash = "";
    for (const name of [...url.searchParams.keys()])
      if (/^(utm_|fbclid$|gclid$)/.test(name)) url.searchParams.delete(name);
    url.hostname = url.hostname.toLowerCase();
    return url.href.replace(/\/$/, "");
  } catch {
    // Not a URL: the candidate is dropped (a provider's junk result, not a failure of the run).
    return undefined;
  }
}
