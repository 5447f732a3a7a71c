// The fidelity measures of `npm run bench:fidelity`, pure functions of a draft's Markdown body and the text of the
// sources it cites. Every rule is lexical (n-grams, Unicode scripts), so the numbers are cheap, deterministic and
// comparable across writers; what each rule counts is written next to it.
import type { Locale } from "@inkstone/config";
import { measureLength } from "../../workflows/src/writer/offline/length.ts";

/** A `## ` section of a draft; the text before the first heading has `heading: null`. */
export type DraftSection = { heading: string | null; paragraphs: string[]; subheadings: string[] };
export type ParsedDraft = { sections: DraftSection[] };

/** The headings `assembleArticle` gives the reference list; that section is bookkeeping, not prose. */
const SOURCE_HEADINGS = new Set(["sources", "参考资料", "references", "参考文献"]);

/** Share of a cited sentence's n-grams its source must hold for the citation to count as precise. */
export const SUPPORT_THRESHOLD = 0.6;
/** With several sources cited together, each must hold at least this share (it contributes something). */
export const CONTRIBUTION_THRESHOLD = 0.2;
/** Paragraph pairs whose n-gram sets overlap more than this (Jaccard) are duplicates. */
export const DUPLICATE_THRESHOLD = 0.8;
export const LENGTH_TOLERANCE = 0.15;

// [1], [1][2], [1, 2], [2-4] — the forms `assembleArticle` understands; Markdown links are not citations.
const CITATION = /\[(\d{1,3}(?:\s*[,，、;\-–]\s*\d{1,3})*)\](?![(:])/g;

/**
 * Splits a draft body into sections and paragraphs: blockquotes (the offline writer's banner), fenced code, and
 * the trailing source list are left out; a list counts as one paragraph; `###` headings stay inside their section.
 */
export function parseDraft(body: string): ParsedDraft {
  const sections: DraftSection[] = [{ heading: null, paragraphs: [], subheadings: [] }];
  const withoutCode = body.replace(/\r/g, "").replace(/```[\s\S]*?```/g, "");
  for (const block of withoutCode.split(/\n\s*\n/)) {
    let lines: string[] = [];
    const flush = () => {
      const paragraph = lines.join("\n").trim();
      if (paragraph) (sections[sections.length - 1] as DraftSection).paragraphs.push(paragraph);
      lines = [];
    };
    for (const line of block.split("\n")) {
      if (!line.trim() || /^\s*>/.test(line)) continue;
      const heading = /^\s{0,3}(#{1,6})\s+(.*)$/.exec(line);
      if (!heading) {
        lines.push(line);
        continue;
      }
      flush();
      const text = (heading[2] as string).replace(/\s#+\s*$/, "").trim();
      if ((heading[1] as string).length <= 2) sections.push({ heading: text, paragraphs: [], subheadings: [] });
      else (sections[sections.length - 1] as DraftSection).subheadings.push(text);
    }
    flush();
  }
  const kept = sections.filter(
    (section, index) => !(section.heading === null && index === 0 && section.paragraphs.length === 0),
  );
  const last = kept[kept.length - 1];
  if (last?.heading && SOURCE_HEADINGS.has(last.heading.toLowerCase())) kept.pop();
  return { sections: kept };
}

export function paragraphsOf(draft: ParsedDraft): string[] {
  return draft.sections.flatMap((section) => section.paragraphs);
}

/** The `## ` headings of the draft (the source list excluded), intro-less part first. */
export function headingsOf(draft: ParsedDraft): string[] {
  return draft.sections.flatMap((section) => (section.heading === null ? [] : [section.heading]));
}

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
 * The sentences of a paragraph with their citations. A citation written after the full stop ("… tides. [2]") is
 * segmented into the next sentence by ICU; it is given back to the sentence it follows.
 */
export function sentencesWithCitations(paragraph: string, language: Locale): CitedSentence[] {
  const segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  const out: CitedSentence[] = [];
  for (const line of paragraph.split("\n")) {
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
  }
  return out;
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

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / (a.size + b.size - shared);
}

export type CitationCheck = { sentence: string; source: number; support: number; precise: boolean };
export type PrecisionResult = { citations: number; precise: number; checks: CitationCheck[] };

/**
 * Citation precision: every `[n]` on every sentence is one citation. It is precise when source n's text holds at
 * least SUPPORT_THRESHOLD of the sentence's n-grams; for a sentence citing several sources, when together they hold
 * that much and source n holds at least CONTRIBUTION_THRESHOLD. A number naming no source is never precise.
 * `sources[n - 1]` is the text of the source `[n]` names (the assembled article's numbering).
 */
export function citationPrecision(body: string, sources: readonly string[], language: Locale): PrecisionResult {
  const pools = sources.map((text) => ngrams(text, language));
  const checks: CitationCheck[] = [];
  for (const paragraph of paragraphsOf(parseDraft(body))) {
    for (const sentence of sentencesWithCitations(paragraph, language)) {
      if (sentence.citations.length === 0) continue;
      const grams = ngrams(sentence.text, language);
      const known = sentence.citations.flatMap((n) => pools[n - 1] ?? []);
      const together = containment(grams, new Set(known.flatMap((pool) => [...pool])));
      for (const n of sentence.citations) {
        const pool = pools[n - 1];
        const support = pool ? containment(grams, pool) : 0;
        const precise =
          pool !== undefined &&
          (support >= SUPPORT_THRESHOLD ||
            (sentence.citations.length > 1 && together >= SUPPORT_THRESHOLD && support >= CONTRIBUTION_THRESHOLD));
        checks.push({ sentence: sentence.text, source: n, support, precise });
      }
    }
  }
  return { citations: checks.length, precise: checks.filter((check) => check.precise).length, checks };
}

/**
 * Grounding, a stricter companion to precision (reported, no target): every sentence of a paragraph that cites
 * something, cited or not, is grounded when the sources that paragraph cites together hold at least
 * SUPPORT_THRESHOLD of its n-grams. Catches uncited claims written between cited ones.
 */
export function groundedSentences(
  body: string,
  sources: readonly string[],
  language: Locale,
): { sentences: number; grounded: number } {
  const pools = sources.map((text) => ngrams(text, language));
  let sentences = 0;
  let grounded = 0;
  for (const paragraph of paragraphsOf(parseDraft(body))) {
    const cited = citationsIn(paragraph).flatMap((n) => pools[n - 1] ?? []);
    if (citationsIn(paragraph).length === 0) continue;
    const pool = new Set(cited.flatMap((set) => [...set]));
    for (const sentence of sentencesWithCitations(paragraph, language)) {
      const grams = ngrams(sentence.text, language);
      if (grams.size === 0) continue;
      sentences++;
      if (containment(grams, pool) >= SUPPORT_THRESHOLD) grounded++;
    }
  }
  return { sentences, grounded };
}

/** Citation coverage: share of the body's paragraphs (lists count as one) carrying at least one citation. */
export function citationCoverage(body: string): { paragraphs: number; citing: number } {
  const paragraphs = paragraphsOf(parseDraft(body));
  return { paragraphs: paragraphs.length, citing: paragraphs.filter((p) => citationsIn(p).length > 0).length };
}

/**
 * Duplicate paragraphs: paragraphs whose n-gram set overlaps an earlier paragraph's by more than
 * DUPLICATE_THRESHOLD (Jaccard), citations and Markdown ignored. Returns how many and the pairs.
 */
export function duplicateParagraphs(
  body: string,
  language: Locale,
): { paragraphs: number; duplicates: number; pairs: [number, number][] } {
  const paragraphs = paragraphsOf(parseDraft(body)).map((p) => ngrams(p, language));
  const pairs: [number, number][] = [];
  const duplicated = new Set<number>();
  for (let j = 1; j < paragraphs.length; j++)
    for (let i = 0; i < j; i++)
      if (jaccard(paragraphs[i] as Set<string>, paragraphs[j] as Set<string>) > DUPLICATE_THRESHOLD) {
        pairs.push([i, j]);
        duplicated.add(j);
      }
  return { paragraphs: paragraphs.length, duplicates: duplicated.size, pairs };
}

/** Share of Han characters among the letters of `text` (Latin, Han and every other script's letters). */
export function cjkShare(text: string): number {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return letters === 0 ? 0 : han / letters;
}

/** The draft's prose: headings and paragraphs, as plain text (banner and source list excluded). */
export function proseOf(body: string): string {
  const draft = parseDraft(body);
  return plainText(
    draft.sections
      .flatMap((section) => [section.heading ?? "", ...section.subheadings, ...section.paragraphs])
      .join("\n"),
  );
}

/** Language correctness: a zh-CN draft's prose is more than half Han; an en draft's under 5%. */
export function languageCorrect(body: string, language: Locale): { share: number; correct: boolean } {
  const share = cjkShare(proseOf(body));
  return { share, correct: language === "zh-CN" ? share > 0.5 : share < 0.05 };
}

/**
 * The draft's length as a reader counts it: the paragraphs' plain text (headings, banner, citations and the source
 * list left out) in non-space characters for zh-CN, in words for en.
 */
export function lengthOf(body: string, language: Locale): number {
  // Counted as the offline writer counts when it aims at the target: one rule for both.
  return measureLength(paragraphsOf(parseDraft(body)).map(plainText).join(" "), language);
}

/** Length accuracy: the length relative to the target (0.1 = 10% over), within ±LENGTH_TOLERANCE or not. */
export function lengthAccuracy(
  body: string,
  language: Locale,
  target: number,
): { length: number; deviation: number; within: boolean } {
  const length = lengthOf(body, language);
  const deviation = target > 0 ? (length - target) / target : 0;
  return { length, deviation, within: Math.abs(deviation) <= LENGTH_TOLERANCE + 1e-9 };
}

const INTRODUCTION =
  /^(?:introduction|intro|overview|background|preface|at a glance|why\b.*|引言|导言|前言|概述|简介|导语|背景|缘起)$/i;
const CONCLUSION =
  /^(?:conclusions?|in conclusion|summary|summing up|closing thoughts|final thoughts|takeaways?|key takeaways|wrapping up|the bottom line|looking ahead|结语|总结|结论|小结|结束语|写在最后|展望)$/i;

export type StructureResult = {
  introduction: boolean;
  /** `## ` sections between the introduction and the conclusion. */
  sections: number;
  conclusion: boolean;
  ok: boolean;
};

/**
 * Structure, by this rule: the draft has an introduction when prose comes before its first `## ` heading or its
 * first heading names one (Introduction, Overview, 引言, 概述 …); a conclusion when its last heading names one
 * (Conclusion, Summary, Takeaways, 结语, 总结, 结论 …) and that section has prose; and at least 3 body sections in
 * between, each with prose. Headings are compared without numbering ("1. Introduction") and trailing punctuation.
 */
export function structureOf(body: string): StructureResult {
  const sections = parseDraft(body).sections;
  const normalise = (heading: string) =>
    heading
      .replace(/^(?:\d+[.)、]?|[一二三四五六七八九十]+[、.])\s*/, "")
      .replace(/[:：.。!！]+$/, "")
      .trim();
  const titled = sections.filter((section) => section.heading !== null);
  const leadingProse = sections[0]?.heading === null && (sections[0]?.paragraphs.length ?? 0) > 0;
  const firstTitled = titled[0];
  const introByHeading =
    !leadingProse && firstTitled !== undefined && INTRODUCTION.test(normalise(firstTitled.heading ?? ""));
  const lastTitled = titled[titled.length - 1];
  const conclusion =
    lastTitled !== undefined &&
    lastTitled.paragraphs.length > 0 &&
    CONCLUSION.test(normalise(lastTitled.heading ?? "")) &&
    lastTitled !== firstTitled;
  const body_ = titled.slice(introByHeading ? 1 : 0, conclusion ? -1 : undefined);
  const introduction = leadingProse || (introByHeading && (firstTitled?.paragraphs.length ?? 0) > 0);
  const count = body_.filter((section) => section.paragraphs.length > 0).length;
  return { introduction, sections: count, conclusion, ok: introduction && conclusion && count >= 3 };
}

/** The units headings are compared by: content words for English (plural -s dropped), character bigrams for Chinese. */
export function headingTerms(heading: string, language: Locale): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string) => terms.set(term, (terms.get(term) ?? 0) + 1);
  const text = plainText(heading).toLowerCase();
  if (language === "zh-CN") {
    const chars = [...text.replace(/[^\p{L}\p{N}]/gu, "")];
    if (chars.length === 1) add(chars[0] as string);
    for (let i = 0; i + 2 <= chars.length; i++) add(chars.slice(i, i + 2).join(""));
    return terms;
  }
  for (const word of text.match(/[\p{L}\p{N}]+/gu) ?? [])
    if (!HEADING_STOPWORDS.has(word)) add(word.length > 3 ? word.replace(/(?<!s)s$/, "") : word);
  return terms;
}

const HEADING_STOPWORDS = new Set(
  "a an and the of to in on for with by is are how what why when your you its it from at as or vs".split(" "),
);

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, count] of a) {
    na += count * count;
    dot += count * (b.get(term) ?? 0);
  }
  for (const count of b.values()) nb += count * count;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Heading soft recall (STORM, Shao et al. 2024), with a lexical similarity in place of sentence embeddings: each
 * reference heading's best cosine against the draft's headings (`##` and `###`), averaged over the reference.
 */
export function headingSoftRecall(draftHeadings: readonly string[], reference: readonly string[], language: Locale) {
  if (reference.length === 0) return 1;
  const drafted = draftHeadings.map((heading) => headingTerms(heading, language));
  let total = 0;
  for (const heading of reference) {
    const terms = headingTerms(heading, language);
    total += Math.max(0, ...drafted.map((d) => cosine(terms, d)));
  }
  return total / reference.length;
}

/** Every heading in the draft body, `##` and `###`, the source list excluded. */
export function allHeadingsOf(body: string): string[] {
  return parseDraft(body).sections.flatMap((section) => [
    ...(section.heading === null ? [] : [section.heading]),
    ...section.subheadings,
  ]);
}

/** Everything measured on one draft. */
export type DraftScore = {
  precision: PrecisionResult;
  grounding: { sentences: number; grounded: number };
  coverage: { paragraphs: number; citing: number };
  duplicates: { paragraphs: number; duplicates: number; pairs: [number, number][] };
  language: { share: number; correct: boolean };
  length: { length: number; deviation: number; within: boolean };
  structure: StructureResult;
  headingRecall: number;
};

export function scoreDraft(input: {
  body: string;
  /** The text of each source the body cites, `[n]` → `sources[n - 1]`. */
  sources: readonly string[];
  language: Locale;
  targetLength: number;
  referenceOutline: readonly string[];
}): DraftScore {
  const { body, language } = input;
  return {
    precision: citationPrecision(body, input.sources, language),
    grounding: groundedSentences(body, input.sources, language),
    coverage: citationCoverage(body),
    duplicates: duplicateParagraphs(body, language),
    language: languageCorrect(body, language),
    length: lengthAccuracy(body, language, input.targetLength),
    structure: structureOf(body),
    headingRecall: headingSoftRecall(allHeadingsOf(body), input.referenceOutline, language),
  };
}

export const TARGETS = {
  precision: 0.95,
  duplicates: 0,
  language: 1,
  lengthWithin: 0.9,
  structure: 1,
} as const;

/** One writer's scores over one language's topics. */
export type Aggregate = {
  runs: number;
  /** Drafts that failed to be written at all. */
  failed: number;
  precision: number;
  citations: number;
  /** Sentences of citing paragraphs whose paragraph's sources hold them (see groundedSentences). */
  grounding: number;
  coverage: number;
  duplicates: number;
  language: number;
  lengthWithin: number;
  structure: number;
  headingRecall: number;
};

/**
 * Precision is pooled over every citation of every draft; coverage over every paragraph; the rest are shares of
 * drafts (or, for duplicates, a count). A failed run counts against every share.
 */
export function aggregate(scores: readonly (DraftScore | undefined)[]): Aggregate {
  const done = scores.filter((score): score is DraftScore => score !== undefined);
  const runs = scores.length;
  const sum = (f: (score: DraftScore) => number) => done.reduce((total, score) => total + f(score), 0);
  const citations = sum((s) => s.precision.citations);
  const paragraphs = sum((s) => s.coverage.paragraphs);
  const sentences = sum((s) => s.grounding.sentences);
  const share = (f: (score: DraftScore) => boolean) => (runs === 0 ? 0 : done.filter(f).length / runs);
  return {
    runs,
    failed: runs - done.length,
    citations,
    precision: citations === 0 ? 0 : sum((s) => s.precision.precise) / citations,
    grounding: sentences === 0 ? 0 : sum((s) => s.grounding.grounded) / sentences,
    coverage: paragraphs === 0 ? 0 : sum((s) => s.coverage.citing) / paragraphs,
    duplicates: sum((s) => s.duplicates.duplicates),
    language: share((s) => s.language.correct),
    lengthWithin: share((s) => s.length.within),
    structure: share((s) => s.structure.ok),
    headingRecall: runs === 0 ? 0 : sum((s) => s.headingRecall) / runs,
  };
}

/** The targets an aggregate misses, as lines a person can read. */
export function missedTargets(result: Aggregate): string[] {
  const missed: string[] = [];
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  if (result.runs > 0 && result.failed === result.runs) return [`all ${result.runs} run(s) failed`];
  if (result.failed) missed.push(`${result.failed} run(s) failed`);
  if (result.precision < TARGETS.precision)
    missed.push(`citation precision ${pct(result.precision)} < ${pct(TARGETS.precision)}`);
  if (result.duplicates > TARGETS.duplicates) missed.push(`${result.duplicates} duplicate paragraph(s)`);
  if (result.language < TARGETS.language) missed.push(`language correct in ${pct(result.language)} of drafts`);
  if (result.lengthWithin < TARGETS.lengthWithin)
    missed.push(`length within ±15% in ${pct(result.lengthWithin)} of drafts < ${pct(TARGETS.lengthWithin)}`);
  if (result.structure < TARGETS.structure)
    missed.push(`introduction + ≥3 sections + conclusion in ${pct(result.structure)} of drafts`);
  return missed;
}
