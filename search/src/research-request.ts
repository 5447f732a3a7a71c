import { LOCALES, type Locale } from "@inkstone/config";
import type { MultiSearchQuery } from "meilisearch";
import { z } from "zod";
import { equals } from "./filter.ts";
import { hasHan, MEILI_LOCALE, TEXT_KEYS } from "./locales.ts";
import { invalidParams, MAX_QUERY_LENGTH } from "./query-params.ts";

export const MAX_RESEARCH_LIMIT = 20;
export const DEFAULT_RESEARCH_LIMIT = 10;

/**
 * How research weighs the words of a topic. None is required, and the rarer a word, the more it counts.
 * - "rarest-first" (the default): the words that occur, rarest first; articles with the rarest word come first,
 *   ranked by how many of the next-rarest they also have, then those with the next-rarest word, and so on.
 * - "frequency": Meilisearch's own, one query; it drops the commonest words first but keeps every word tied for
 *   rarest, so two rare words that never meet in one article find nothing.
 * - "last": Meilisearch's default, one query; the first word is always required ("测试引用的写作方法" needs 测试).
 * `npm run bench:relevance` compares them on the fixture.
 */
export const RESEARCH_STRATEGIES = ["rarest-first", "frequency", "last"] as const;
export type ResearchStrategy = (typeof RESEARCH_STRATEGIES)[number];

/** What research asks: a topic or a question, and the language the article will be written in. */
export const researchParamsSchema = z.strictObject({
  q: z
    .string({ error: "must be text" })
    .trim()
    .min(1, { error: "must not be empty: research needs a topic or a question" })
    .max(MAX_QUERY_LENGTH, { error: `is too long: at most ${MAX_QUERY_LENGTH} characters` }),
  /** Articles in this language come first; the others follow when they match. */
  language: z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` }).optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_RESEARCH_LIMIT, { error: `must be at most ${MAX_RESEARCH_LIMIT}` })
    .default(DEFAULT_RESEARCH_LIMIT),
  strategy: z
    .enum(RESEARCH_STRATEGIES, { error: `must be one of ${RESEARCH_STRATEGIES.join(", ")}` })
    .default("rarest-first"),
});

export type ResearchParams = z.output<typeof researchParamsSchema>;
export type ResearchParamsInput = z.input<typeof researchParamsSchema>;

/** Validates research parameters; throws `invalid_search_params` (400) saying what to change. */
export function parseResearchParams(input: unknown): ResearchParams {
  const parsed = researchParamsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw invalidParams(parsed.error, "research query");
}

/** One query per term, counting the articles that match it (synonyms and typos included), nothing returned. */
export function termCountQueries(indexUid: string, terms: readonly string[]): MultiSearchQuery[] {
  return terms.map((term) => withLocale({ indexUid, q: term, limit: 0, matchingStrategy: "all" }));
}

/**
 * The Meilisearch queries, sent as one multi-search, whose hits in order (first occurrence kept) are the answer.
 * "rarest-first" takes `terms` ordered by `byRarity` and asks for each tail of them, the first word required and
 * the later ones dropped from the end. With a language, every query is asked for that language's articles, then
 * again for the others, so articles the draft can quote as written come first. Only what research reads is
 * returned: no facets, highlights or crops.
 */
export function buildResearchQueries(
  indexUid: string,
  params: ResearchParams,
  terms: readonly string[] = [],
): MultiSearchQuery[] {
  const base: MultiSearchQuery = {
    indexUid,
    limit: params.limit,
    attributesToRetrieve: [
      "documentId",
      "language",
      "card",
      ...TEXT_KEYS.flatMap((key) => [`${key}.title`, `${key}.summary`]),
    ],
    showRankingScore: true,
  };
  const queries =
    params.strategy === "rarest-first"
      ? terms.map((_, start) => ({ ...base, q: terms.slice(start).join(" "), matchingStrategy: "last" as const }))
      : [{ ...base, q: params.q, matchingStrategy: params.strategy }];
  if (!params.language) return queries.map(withLocale);
  const language: Locale = params.language;
  return [
    ...queries.map((query) => withLocale({ ...query, filter: equals("language", language) })),
    ...queries.map((query) => withLocale({ ...query, filter: `NOT (${equals("language", language)})` })),
  ];
}

/** As in member search: Meilisearch may take a short Chinese query for Japanese and segment it differently. */
function withLocale(query: MultiSearchQuery): MultiSearchQuery {
  return hasHan(query.q ?? "") ? { ...query, locales: [MEILI_LOCALE["zh-CN"]] } : query;
}
