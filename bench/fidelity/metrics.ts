// The fidelity measures of `npm run bench:fidelity`, pure functions of a draft's Markdown body and the text of the
// sources it cites. Every rule is lexical (n-grams, Unicode scripts), so the numbers are cheap, deterministic and
// comparable across writers; what each rule counts is written next to it.
import type { Locale } from "@inkstone/config";
import {
  type CitationCheck,
  checkCitations,
  citationsIn,
  containment,
  ngrams,
  plainText,
  SUPPORT_THRESHOLD,
  sentencesWithCitations,
} from "../../workflows/src/writer/grounding.ts";
import { measureLength } from "../../workflows/src/writer/offline/length.ts";
import { isConclusionHeading, isIntroductionHeading } from "../../workflows/src/writer/structure.ts";

// The measures a draft's sentences are checked with are the writer's own (workflows/src/writer/grounding.ts).
export { citationsIn, ngrams, plainText, SUPPORT_THRESHOLD, sentencesWithCitations };

/** A `## ` section of a draft; the text before the first heading has `heading: null`. */
export type DraftSection = { heading: string | null; paragraphs: string[]; subheadings: string[] };
export type ParsedDraft = { sections: DraftSection[] };

/** The headings `assembleArticle` gives the reference list; that section is bookkeeping, not prose. */
const SOURCE_HEADINGS = new Set(["sources", "参考资料", "references", "参考文献"]);

/** Paragraph pairs whose n-gram sets overlap more than this (Jaccard) are duplicates. */
export const DUPLICATE_THRESHOLD = 0.8;
export const LENGTH_TOLERANCE = 0.15;

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

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / (a.size + b.size - shared);
}

export type SentenceCheck = CitationCheck & { sentence: string };
export type PrecisionResult = { citations: number; precise: number; checks: SentenceCheck[] };

/**
 * Citation precision: every `[n]` on every sentence is one citation, precise or not by `checkCitations` (the rule the
 * LLM writer keeps its citations by).
 * `sources[n - 1]` is the text of the source `[n]` names (the assembled article's numbering).
 */
export function citationPrecision(body: string, sources: readonly string[], language: Locale): PrecisionResult {
  const pools = sources.map((text) => ngrams(text, language));
  const checks: SentenceCheck[] = [];
  for (const paragraph of paragraphsOf(parseDraft(body)))
    for (const sentence of sentencesWithCitations(paragraph, language)) {
      if (sentence.citations.length === 0) continue;
      for (const check of checkCitations(ngrams(sentence.text, language), sentence.citations, pools))
        checks.push({ sentence: sentence.text, ...check });
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
  const titled = sections.filter((section) => section.heading !== null);
  const leadingProse = sections[0]?.heading === null && (sections[0]?.paragraphs.length ?? 0) > 0;
  const firstTitled = titled[0];
  const introByHeading = !leadingProse && firstTitled !== undefined && isIntroductionHeading(firstTitled.heading ?? "");
  const lastTitled = titled[titled.length - 1];
  const conclusion =
    lastTitled !== undefined &&
    lastTitled.paragraphs.length > 0 &&
    isConclusionHeading(lastTitled.heading ?? "") &&
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
