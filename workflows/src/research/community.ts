import type { Locale } from "@inkstone/config";
import { connectIndex, markdownToText, type ResearchHit, searchForResearch } from "@inkstone/search";
import type { CmsClient, PublishedArticle } from "../cms/client.ts";
import { MAX_SOURCE_CHARS } from "../fetch/extract.ts";
import { mapCitations } from "../writer/citations.ts";
import type { Candidate, ResearchProvider, RunLog } from "./types.ts";

export type CommunityOptions = {
  meiliUrl: string;
  /** MEILI_SEARCH_KEY: search-only, never the master key. */
  searchKey: string;
  indexPrefix: string;
  /** Where readers open an article; cited sources link there. */
  communityUrl: string;
  /** Reads each article found, in full and as published. */
  cms: Pick<CmsClient, "publishedArticle">;
  timeoutMs: number;
  /** Most articles read per run. */
  limit?: number;
};

/** A published article research found, as the CMS gave it to read. */
export type FoundArticle = { hit: ResearchHit; article: PublishedArticle };

export type CommunityQuery = { q: string; language: Locale; limit: number; signal: AbortSignal; log: RunLog };

/**
 * Finds the community's published articles through the search module's retrieval for research (a topic's or a
 * question's words optional, the rarest weighing most, `language` first), then reads each in full from the CMS as
 * any reader sees it. An article the CMS no longer publishes is skipped; one it cannot answer for is skipped with a
 * warning and counted in `unreadable`. Search itself failing throws (a SearchError).
 */
export function communityArticles(options: Omit<CommunityOptions, "limit">) {
  const index = connectIndex({
    host: options.meiliUrl,
    apiKey: options.searchKey,
    indexPrefix: options.indexPrefix,
    timeoutMs: options.timeoutMs,
  });
  return {
    async find({
      q,
      language,
      limit,
      signal,
      log,
    }: CommunityQuery): Promise<{ found: FoundArticle[]; unreadable: number }> {
      const hits = await searchForResearch(index, { q, language, limit });
      const reads = await Promise.allSettled(
        hits.map((hit) => options.cms.publishedArticle(hit.documentId, hit.locale, { signal })),
      );
      const found: FoundArticle[] = [];
      let unreadable = 0;
      reads.forEach((read, n) => {
        const hit = hits[n];
        if (!hit) return;
        const where = articleUrl(options.communityUrl, hit.locale, hit.slug);
        if (read.status === "rejected") {
          if (signal.aborted) throw signal.reason;
          unreadable++;
          const detail = String((read.reason as Error).message ?? read.reason);
          log("warn", `could not read ${where}: ${detail}`, {
            key: "sourceUnread",
            params: { url: where, reason: "unavailable", detail: detail.slice(0, 300) },
          });
        } else if (!read.value) {
          log("info", `skipped ${where}: no longer published`, { key: "communityUnpublished", params: { url: where } });
        } else found.push({ hit, article: read.value });
      });
      return { found, unreadable };
    },
  };
}

export type CommunityArticles = ReturnType<typeof communityArticles>;

/**
 * The community's own published articles as research sources (see communityArticles), the run's language first,
 * each read in full with the sources it cites.
 */
export function communityProvider(options: CommunityOptions): ResearchProvider {
  const articles = communityArticles(options);
  return {
    id: "community",
    name: "community articles",
    web: false,
    async search({ request, signal, log }) {
      const { found } = await articles.find({
        q: request.topic,
        language: request.language,
        limit: options.limit ?? 6,
        signal,
        log,
      });
      return found.map(
        ({ article }): Candidate => ({
          url: articleUrl(options.communityUrl, article.locale, article.slug),
          title: article.title,
          snippet: article.summary,
          origin: "community",
          text: articleText(article).slice(0, MAX_SOURCE_CHARS),
        }),
      );
    },
  };
}

const SOURCES_HEADING: Record<Locale, string> = { "zh-CN": "参考资料", en: "Sources" };

/**
 * An article as a source's text: title, summary and body in paragraphs, then the sources it cites. Its own `[n]`
 * become the cited sources' titles (or go, when they name none), because in the draft `[n]` numbers the draft's
 * sources, not this article's.
 */
export function articleText(article: PublishedArticle): string {
  const body = mapCitations(article.body, (numbers) => {
    const titles = numbers.flatMap((n) => article.sources[n - 1]?.title ?? []);
    return titles.length > 0 ? `(${titles.join("; ")})` : "";
  });
  const paragraphs = [article.title, article.summary, ...body.split(/\n\s*\n/)].map(markdownToText).filter(Boolean);
  if (article.sources.length > 0) {
    paragraphs.push(
      `${SOURCES_HEADING[article.locale]}:`,
      ...article.sources.map((source) =>
        [source.title, source.url, source.excerpt ? markdownToText(source.excerpt) : ""].filter(Boolean).join(" — "),
      ),
    );
  }
  return paragraphs.join("\n\n");
}

/** The public URL of a community article (the community's `/{locale}/a/{slug}` route). */
export function articleUrl(communityUrl: string, locale: string, slug: string): string {
  return `${communityUrl.replace(/\/$/, "")}/${encodeURIComponent(locale || "zh-CN")}/a/${encodeURIComponent(slug)}`;
}
