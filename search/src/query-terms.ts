import { STOP_WORDS } from "./stop-words.ts";

/** Meilisearch reads at most this many words of a query and ignores the rest. */
export const MAX_QUERY_TERMS = 10;

// ICU's dictionary segmenter: Chinese into words, anything else on spaces and punctuation. Meilisearch segments
// each term again itself (jieba), so a word ICU cuts differently still matches as the index does.
const SEGMENTER = new Intl.Segmenter("zh", { granularity: "word" });
const STOP = new Set(STOP_WORDS);

/** The words of a topic or a question that can say what it is about: no punctuation, stop words or repeats. */
export function queryTerms(q: string): string[] {
  const terms = new Set<string>();
  for (const { segment, isWordLike } of SEGMENTER.segment(q.normalize("NFKC"))) {
    const word = segment.toLowerCase();
    if (isWordLike && !STOP.has(word)) terms.add(word);
  }
  return [...terms];
}

/**
 * The terms that occur at all, rarest first (ties keep the writer's order), at most MAX_QUERY_TERMS: the rarer a
 * word, the more it says about what the writer wants. `counts[i]` is how many articles match `terms[i]`.
 */
export function byRarity(terms: readonly string[], counts: readonly number[]): string[] {
  return terms
    .map((term, position) => ({ term, position, count: counts[position] ?? 0 }))
    .filter(({ count }) => count > 0)
    .sort((a, b) => a.count - b.count || a.position - b.position)
    .slice(0, MAX_QUERY_TERMS)
    .map(({ term }) => term);
}
