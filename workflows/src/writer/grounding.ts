import type { Locale } from "@inkstone/config";

/**
 * Whether a sentence is supported by the source it cites, by one lexical rule: the share of the sentence's n-grams
 * the source's text holds. The LLM writer checks every sentence it is given with it (see ground-section.ts), and
 * `npm run bench:fidelity` scores drafts with it, so what the writer keeps is what the benchmark counts as precise.
 */

/** Share of a cited sentence's n-grams its source must hold for the citation to count as precise. */
export const SUPPORT_THRESHOLD = 0.6;
/** With several sources cited together, each must hold at least this share (it contributes something). */
export const CONTRIBUTION_THRESHOLD = 0.2;

// [1], [1][2], [1, 2], [2-4] — the forms `assembleArticle` understands; Markdown links are not citations.
export const CITATION = /\[(\d{1,3}(?:\s*[,，、;\-–]\s*\d{1,3})*)\](?![(:])/g;

/** Citation numbers in `text`: "[1][3]" → [1, 3]; "[2-4]" → [2, 3, 4]. */
export function citationsIn(text: string): number[] {
  const numbers: number[] = [];
  for (const match of text.matchAll(CITATION)) {
    for (const part of (match[1] as string).split(/\s*[,，、;]\s*/)) {
      const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
      if (range)
        for (let n = Number(range[1]); n <= Math.min(Number(range[2]), Number(range[1]) + 20); n++) numbers.push(n);
      else numbers.push(Number(part));
    }
  }
  return [...new Set(numbers)];
}

/** Prose without citations, Markdown emphasis, link targets, list markers and URLs. */
export function plainText(markdown: string): string {
  return markdown
    .replace(CITATION, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/https?:\/\/\S+/g, "")
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, "")
    .replace(/[*_`]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A sentence and the sources it cites. */
export type CitedSentence = { text: string; citations: number[] };

/**
 * The sentences of one line of prose with their citations. A citation written after the full stop ("… tides. [2]")
 * is segmented into the next sentence by ICU; it is given back to the sentence it follows.
 */
export function sentencesOfLine(line: string, language: Locale): CitedSentence[] {
  const segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  const out: CitedSentence[] = [];
  for (const { segment } of segmenter.segment(line)) {
    let text = segment.trim();
    const leading = /^(?:\[[\d\s,，、;\-–]+\]\s*)+[.。!！?？]?\s*/.exec(text);
    const previous = out[out.length - 1];
    if (leading && previous) {
      previous.citations = [...new Set([...previous.citations, ...citationsIn(leading[0])])];
      text = text.slice(leading[0].length).trim();
    }
    if (text) out.push({ text, citations: citationsIn(text) });
  }
  return out;
}

/** The sentences of a paragraph (each line segmented on its own, so list items stay apart). */
export function sentencesWithCitations(paragraph: string, language: Locale): CitedSentence[] {
  return paragraph.split("\n").flatMap((line) => sentencesOfLine(line, language));
}

/**
 * The n-grams fidelity compares: lower-cased word trigrams for English, character 4-grams of the letters and digits
 * for Chinese (punctuation and spaces removed, so a reflowed or re-punctuated sentence still matches). Text shorter
 * than n units is one gram of everything it has.
 */
export function ngrams(text: string, language: Locale): Set<string> {
  const plain = plainText(text).toLowerCase();
  const grams = new Set<string>();
  if (language === "zh-CN") {
    const chars = [...plain.replace(/[^\p{L}\p{N}]/gu, "")];
    if (chars.length === 0) return grams;
    if (chars.length < 4) grams.add(chars.join(""));
    for (let i = 0; i + 4 <= chars.length; i++) grams.add(chars.slice(i, i + 4).join(""));
    return grams;
  }
  const words = plain.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return grams;
  if (words.length < 3) grams.add(words.join(" "));
  for (let i = 0; i + 3 <= words.length; i++) grams.add(words.slice(i, i + 3).join(" "));
  return grams;
}

/** Share of `grams` found in `pool`. */
export function containment(grams: Set<string>, pool: Set<string>): number {
  if (grams.size === 0) return 0;
  let found = 0;
  for (const gram of grams) if (pool.has(gram)) found++;
  return found / grams.size;
}

/** One cited source's support of a sentence, and whether that citation is precise. */
export type CitationCheck = { source: number; support: number; precise: boolean };

/**
 * The citations of a sentence, each checked: precise when source n's n-grams (`pools[n - 1]`) hold at least
 * SUPPORT_THRESHOLD of the sentence's; for a sentence citing several sources, also when together they hold that much
 * and source n holds at least CONTRIBUTION_THRESHOLD. A number naming no source is never precise.
 */
export function checkCitations(
  grams: Set<string>,
  citations: readonly number[],
  pools: readonly Set<string>[],
): CitationCheck[] {
  const known = citations.flatMap((n) => pools[n - 1] ?? []);
  const together = citations.length > 1 ? containment(grams, new Set(known.flatMap((pool) => [...pool]))) : 0;
  return citations.map((n) => {
    const pool = pools[n - 1];
    const support = pool ? containment(grams, pool) : 0;
    const precise =
      pool !== undefined &&
      (support >= SUPPORT_THRESHOLD ||
        (citations.length > 1 && together >= SUPPORT_THRESHOLD && support >= CONTRIBUTION_THRESHOLD));
    return { source: n, support, precise };
  });
}
