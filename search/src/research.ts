import { LOCALES, type Locale } from "@inkstone/config";
import { z } from "zod";
import type { ArticleIndex } from "./connection.ts";
import { meiliErrorCode, toSearchError } from "./errors.ts";
import { TEXT_KEY } from "./locales.ts";
import { byRarity, queryTerms } from "./query-terms.ts";
import { buildResearchQueries, parseResearchParams, termCountQueries } from "./research-request.ts";

/** An article research may read: which one, and enough to name it; the text itself is the CMS's. */
export type ResearchHit = {
  documentId: string;
  locale: Locale;
  slug: string;
  /** Plain text, as indexed. */
  title: string;
  summary: string;
  /** Meilisearch's ranking score, 0–1, within the query that found the article. */
  score: number;
};

const text = z.object({ title: z.string().default(""), summary: z.string().default("") });
const hitSchema = z.object({
  documentId: z.string(),
  language: z.enum(LOCALES),
  card: z.object({ slug: z.string() }),
  _rankingScore: z.number().default(0),
});

/**
 * Published articles for a topic or a question, best first: no word required, the rarest weighing most (see
 * RESEARCH_STRATEGIES), Chinese segmented as Chinese, tag and category names matched across languages (the index's
 * synonyms), and with `language` given, that language's articles before the others. `input` is validated
 * (`invalid_search_params`, 400); an unreachable Meilisearch throws `search_unavailable` (503).
 */
export async function searchForResearch(index: ArticleIndex, input: unknown): Promise<ResearchHit[]> {
  const params = parseResearchParams(input);
  const { client, uid } = index;
  try {
    let terms: string[] = [];
    if (params.strategy === "rarest-first") {
      terms = queryTerms(params.q);
      if (terms.length === 0) return [];
      const counts = await client.multiSearch({ queries: termCountQueries(uid, terms) });
      terms = byRarity(
        terms,
        counts.results.map((result) => result.estimatedTotalHits ?? result.totalHits ?? 0),
      );
      if (terms.length === 0) return [];
    }
    const { results } = await client.multiSearch({ queries: buildResearchQueries(uid, params, terms) });
    const seen = new Set<string>();
    const hits: ResearchHit[] = [];
    for (const raw of results.flatMap((result) => result.hits)) {
      const hit = toResearchHit(raw);
      const key = `${hit.documentId}|${hit.locale}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push(hit);
    }
    return hits.slice(0, params.limit);
  } catch (error) {
    // Before the first sync or reindex there is no index yet: that is "no articles", not an outage.
    if (meiliErrorCode(error) === "index_not_found") return [];
    throw toSearchError(error, "searching articles for research");
  }
}

function toResearchHit(raw: unknown): ResearchHit {
  const hit = hitSchema.parse(raw);
  // The text is under the article's own language key (`zh`, `en`): see TEXT_KEY.
  const own = text.parse((raw as Record<string, unknown>)[TEXT_KEY[hit.language]] ?? {});
  return {
    documentId: hit.documentId,
    locale: hit.language,
    slug: hit.card.slug,
    title: own.title,
    summary: own.summary,
    score: hit._rankingScore,
  };
}
