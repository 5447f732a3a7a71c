import type { Locale } from "@inkstone/config";
import type { ReadSource } from "../research/types.ts";
import { CITATION, checkCitations, containment, ngrams, SUPPORT_THRESHOLD, sentencesOfLine } from "./grounding.ts";

/** What checking a section's citations changed. */
export type Grounding = {
  /** The section with every citation checked. */
  text: string;
  /** Citations the cited source supports, kept. */
  kept: number;
  /** Sentences whose citations named sources that do not hold them, cited to the read source that does. */
  moved: number;
  /** Uncited sentences a read source holds, given its citation. */
  added: number;
  /** Sentences whose citations no read source supports: the marks removed (the sentence stays, uncited). */
  removed: number;
};

// The n-grams of a run's sources, computed once per run context (every section checks against the same).
const poolsBySources = new WeakMap<readonly ReadSource[], Set<string>[]>();

function poolsOf(sources: readonly ReadSource[], language: Locale): Set<string>[] {
  let pools = poolsBySources.get(sources);
  if (!pools) {
    pools = sources.map((source) => ngrams(source.text, language));
    poolsBySources.set(sources, pools);
  }
  return pools;
}

/**
 * Checks every sentence of a model's section against the sources that were read, by the rule the fidelity bench
 * scores with (grounding.ts): a citation stays where its source holds the sentence; a sentence cited wrongly, or not
 * cited at all, is cited to the read source that holds it; a citation no source supports is removed, so a reader
 * never follows a number to a page that does not say what the sentence says. Markdown lines (list items) keep their
 * shape.
 */
export function groundSection(text: string, sources: readonly ReadSource[], language: Locale): Grounding {
  const pools = poolsOf(sources, language);
  const result: Grounding = { text: "", kept: 0, moved: 0, added: 0, removed: 0 };
  const joiner = language === "zh-CN" ? "" : " ";
  const lines = text.split("\n").map((line) => {
    const [, prefix = "", rest = ""] = /^(\s*(?:[-*+]|\d+[.)])\s+|\s*)(.*)$/.exec(line) ?? [];
    if (!rest.trim()) return line;
    const sentences = sentencesOfLine(rest, language).map(({ text: sentence, citations }) => {
      const bare = withoutCitations(sentence);
      const grams = ngrams(bare, language);
      const precise = checkCitations(grams, citations, pools)
        .filter((check) => check.precise)
        .map((check) => check.source);
      if (precise.length) {
        result.kept += precise.length;
        return withCitations(bare, precise, language);
      }
      const best = bestSource(grams, pools);
      if (best !== undefined) {
        if (citations.length) result.moved++;
        else result.added++;
        return withCitations(bare, [best], language);
      }
      if (citations.length) result.removed++;
      return bare;
    });
    return `${prefix}${sentences.join(joiner)}`;
  });
  result.text = lines.join("\n");
  return result;
}

/** The read source holding most of the sentence, if it holds enough to be cited for it. */
function bestSource(grams: Set<string>, pools: readonly Set<string>[]): number | undefined {
  let best: { n: number; support: number } | undefined;
  pools.forEach((pool, index) => {
    const support = containment(grams, pool);
    if (support >= SUPPORT_THRESHOLD && (!best || support > best.support)) best = { n: index + 1, support };
  });
  return best?.n;
}

function withoutCitations(sentence: string): string {
  return sentence
    .replace(CITATION, "")
    .replace(/[ \t]+([.,;:!?])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/** `sentence` with its citation marks before its closing punctuation: "… tides [1]." / "……引力[1]。" */
export function withCitations(sentence: string, numbers: readonly number[], language: Locale): string {
  const marks = numbers.map((n) => `[${n}]`).join("");
  const marker = language === "zh-CN" ? marks : ` ${marks}`;
  const match = /[.!?。！？]+["'”’）)]*$/.exec(sentence);
  return match ? `${sentence.slice(0, match.index)}${marker}${match[0]}` : `${sentence}${marker}`;
}
