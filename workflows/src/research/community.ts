import { connectIndex, search } from "@inkstone/search";
import type { ResearchProvider } from "./types.ts";

export type CommunityOptions = {
  meiliUrl: string;
  /** MEILI_SEARCH_KEY: search-only, never the master key. */
  searchKey: string;
  indexPrefix: string;
  /** Where readers open an article; cited sources link there. */
  communityUrl: string;
  timeoutMs: number;
  limit?: number;
};

/** Text from the search module's sanitised HTML snippets (only `<mark>` and entities in them). */
function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * The community's own published articles, through the search module (the only code that talks to Meilisearch):
 * the title, summary and the body's opening, which the index keeps, are the source text — nothing is fetched.
 */
export function communityProvider(options: CommunityOptions): ResearchProvider {
  const index = connectIndex({
    host: options.meiliUrl,
    apiKey: options.searchKey,
    indexPrefix: options.indexPrefix,
    timeoutMs: options.timeoutMs,
  });
  return {
    name: "community articles",
    web: false,
    async search({ request }) {
      const limit = options.limit ?? 4;
      const result = await search(index, { q: request.topic.slice(0, 200), limit: Math.min(limit * 2, 50) });
      // Same-language articles first; the index has one document per article and locale.
      const hits = [...result.hits].sort(
        (a, b) => Number(b.locale === request.language) - Number(a.locale === request.language),
      );
      return hits.slice(0, limit).map((hit) => ({
        url: articleUrl(options.communityUrl, hit.locale, hit.slug),
        title: htmlToText(hit.titleHtml) || hit.slug,
        snippet: htmlToText(hit.summaryHtml),
        origin: "community" as const,
        text: [htmlToText(hit.summaryHtml), htmlToText(hit.snippetHtml)].filter(Boolean).join("\n\n"),
      }));
    },
  };
}

/** The public URL of a community article (the community's `/{locale}/a/{slug}` route). */
export function articleUrl(communityUrl: string, locale: string, slug: string): string {
  return `${communityUrl.replace(/\/$/, "")}/${encodeURIComponent(locale || "zh-CN")}/a/${encodeURIComponent(slug)}`;
}
