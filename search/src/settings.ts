import type { Settings } from "meilisearch";
import { type ArticleIndex, findIndex } from "./connection.ts";
import { MEILI_LOCALE, TEXT_KEY, TEXT_KEYS } from "./locales.ts";
import { STOP_WORDS } from "./stop-words.ts";
import { mutualSynonyms, TAXONOMY_GROUPS } from "./synonyms.ts";
import { DEFAULT_TASK_TIMEOUT_MS, runTask } from "./tasks.ts";

/** What a results page counts. */
export const FACETS = ["tags", "category", "author", "language"] as const;
export type Facet = (typeof FACETS)[number];

/**
 * Filters use slugs, but a page shows names: each facet is counted on a companion attribute whose values are
 * `slug␟name` (see FACET_SEPARATOR), so one query returns both. Languages are codes the page translates.
 */
export const FACET_ATTRIBUTE = {
  tags: "tagFacet",
  category: "categoryFacet",
  author: "authorFacet",
  language: "language",
} as const satisfies Record<Facet, string>;

/** Between slug and name in facet values; stripped from both when indexing. */
export const FACET_SEPARATOR = "\u001f";

/** Most results a query can page through; deep pages cost time and nobody reads them. */
export const MAX_TOTAL_HITS = 1000;

/** Per locale, fields in ranking order: a title match beats a summary match, and so on down to the author. */
const RANKED_TEXT = ["title", "summary", "tags", "body", "author"] as const;

const equality = { facetSearch: false, filter: { equality: true, comparison: false } };

/** The articles index settings, as code: `ensureIndex` applies exactly this. */
export const INDEX_SETTINGS = {
  searchableAttributes: [
    // Both locales' title before either summary: a document has only one of the two, so this keeps the
    // field order intact whatever its language.
    ...RANKED_TEXT.flatMap((field) => TEXT_KEYS.map((key) => `${key}.${field}`)),
    // Substring fallback for Chinese titles, ranked below everything real (see `titleBigrams`).
    `${TEXT_KEY["zh-CN"]}.titleGrams`,
  ],
  filterableAttributes: [
    {
      attributePatterns: ["tags", "category", "author", "documentId", "published", ...Object.values(FACET_ATTRIBUTE)],
      features: equality,
    },
    {
      attributePatterns: ["publishedAt"],
      features: { facetSearch: false, filter: { equality: true, comparison: true } },
    },
  ],
  sortableAttributes: ["publishedAt", "likes"],
  // `sort` right after `words`: "newest" should mean newest among the articles that match the query, not a
  // tie-break below typo and proximity buckets. Without a sort it is a no-op and relevance rules decide.
  // `exactness` before `attribute`: the word as typed beats a synonym, so "guide" ranks an English title with
  // "guide" above a Chinese one with 指南 (zh.title comes first in searchableAttributes, and would win otherwise).
  rankingRules: ["words", "sort", "typo", "proximity", "exactness", "attribute", "publishedAt:desc"],
  displayedAttributes: [
    "id",
    "documentId",
    "language",
    "card",
    ...TEXT_KEYS.flatMap((key) => [`${key}.title`, `${key}.summary`, `${key}.excerpt`]),
  ],
  localizedAttributes: (Object.keys(TEXT_KEY) as (keyof typeof TEXT_KEY)[]).map((locale) => ({
    attributePatterns: [`${TEXT_KEY[locale]}.*`],
    locales: [MEILI_LOCALE[locale]],
  })),
  typoTolerance: {
    enabled: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    disableOnNumbers: true,
    disableOnAttributes: [`${TEXT_KEY["zh-CN"]}.titleGrams`],
  },
  synonyms: mutualSynonyms(TAXONOMY_GROUPS),
  stopWords: [...STOP_WORDS],
  faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { "*": "count" } },
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
  // Facet values come from the page's own links; nobody searches inside them.
  facetSearch: false,
  prefixSearch: "indexingTime",
  searchCutoffMs: 500,
} satisfies Settings;

/**
 * Creates the index `uid` (default: the live one) if missing and applies INDEX_SETTINGS, waiting for both
 * tasks. Idempotent: Meilisearch finishes an unchanged settings update without reindexing.
 */
export async function ensureIndex(
  index: ArticleIndex,
  uid: string = index.uid,
  timeoutMs = DEFAULT_TASK_TIMEOUT_MS,
): Promise<void> {
  const { client } = index;
  if (!(await findIndex(index, uid))) {
    // Another process may create it between our check and this task: that failure is success for us.
    await runTask(client, () => client.createIndex(uid, { primaryKey: "id" }), `creating index ${uid}`, {
      timeoutMs,
      tolerated: ["index_already_exists"],
    });
  }
  await runTask(client, () => client.index(uid).updateSettings(INDEX_SETTINGS), `applying settings to ${uid}`, {
    timeoutMs,
  });
}
