import type { ReadSource } from "../research/types.ts";

export type WrittenSection = { heading: string; text: string };
export type AssembledArticle = {
  body: string;
  /** Cited sources in citation order: `[n]` in the body is `sources[n - 1]`. */
  sources: ReadSource[];
  /** Citations removed because they named a source that was not read. */
  dropped: number;
};

// Headings of reference lists, which writers (models especially) add although the article has its own: the CMS keeps
// the sources as data and every page lists them after the body (with the anchors citations link to), so the body
// holds neither a list nor a note about how it was written (the page says that too).
const REFERENCE_HEADING =
  /^(#{1,6}\s*)?(\*\*)?(references?|sources?|bibliography|works cited|citations|参考(资料|文献)|引用(资料|文献)?|资料来源|来源)(\*\*)?\s*[:：]?\s*$/i;

// [1], [1, 2], [1][2], [1-3], [１]… but not Markdown links ([text](url)) or footnote definitions.
const CITATION = /\[(\d{1,3}(?:\s*[,，、;\-–]\s*\d{1,3})*)\](?![(:])/g;

/**
 * Joins the sections into the Markdown body and makes citations honest: numbers that do not name a read source are
 * dropped, the rest are renumbered by first appearance, and `sources` holds exactly the cited sources, in that order.
 */
export function assembleArticle(input: {
  sections: readonly WrittenSection[];
  sources: readonly ReadSource[];
}): AssembledArticle {
  const renumbering = citationRenumbering((n) => input.sources[n - 1] !== undefined);
  const rewrite = (text: string) => mergeAdjacent(renumbering.rewrite(text));
  const parts: string[] = [];
  // A section that is itself a reference list goes: the article's list is its sources.
  for (const section of input.sections.filter((s) => !REFERENCE_HEADING.test(s.heading.trim()))) {
    const text = closeGaps(outsideCode(tidySection(section.text), rewrite)).trim();
    // A citation in a heading would be read as a number in the title of the section; headings cite nothing.
    const heading = section.heading.replace(CITATION, "").replace(/\s+/g, " ").trim() || "…";
    parts.push(`## ${heading}\n\n${text}`);
  }
  const cited = renumbering.cited.flatMap((n) => input.sources[n - 1] ?? []);
  return { body: `${parts.join("\n\n")}\n`, sources: cited, dropped: renumbering.dropped };
}

/**
 * Rewrites citations across every text given to `rewrite`: numbers `known` refuses are dropped, the rest are
 * renumbered 1, 2, 3… by first appearance; `cited` holds the original numbers in their new order.
 */
export function citationRenumbering(known: (n: number) => boolean) {
  const renumber = new Map<number, number>();
  const cited: number[] = [];
  let dropped = 0;
  return {
    cited,
    get dropped() {
      return dropped;
    },
    rewrite: (text: string) =>
      mapCitations(text, (numbers) => {
        const kept: number[] = [];
        for (const n of numbers) {
          if (!known(n)) {
            dropped++;
            continue;
          }
          let assigned = renumber.get(n);
          if (assigned === undefined) {
            cited.push(n);
            assigned = cited.length;
            renumber.set(n, assigned);
          }
          if (!kept.includes(assigned)) kept.push(assigned);
        }
        return kept.map((k) => `[${k}]`).join("");
      }),
  };
}

/** Removes the space a dropped or moved citation leaves before punctuation ("… wind ." → "… wind."). */
export function closeGaps(text: string): string {
  return text.replace(/[ \t]+([。，.,;；])/g, "$1");
}

/** Rewrites each citation in `text` ([2], [1, 3], [2-4]…) with what `replace` makes of its numbers. */
export function mapCitations(text: string, replace: (numbers: number[]) => string): string {
  return text.replace(CITATION, (_match, group: string) => replace(expand(group)));
}

/** Section numbers in a citation group: "1, 3" → [1, 3]; "2-4" → [2, 3, 4]. */
function expand(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.split(/\s*[,，、;]\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let n = from; n <= Math.min(to, from + 20); n++) numbers.push(n);
    } else numbers.push(Number(part));
  }
  return numbers;
}

/** "[3][2]" and "[3] [2]" → "[2][3]": markers side by side read as one citation, in order. */
export function mergeAdjacent(text: string): string {
  return text.replace(/\[\d{1,3}\](?:[ \t]*\[\d{1,3}\](?![(:]))+/g, (run) => {
    const numbers = [...new Set((run.match(/\d+/g) ?? []).map(Number))].sort((a, b) => a - b);
    return numbers.map((n) => `[${n}]`).join("");
  });
}

/** Drops what models add around a section despite the prompt: a leading heading, a trailing reference list. */
function tidySection(text: string): string {
  const lines = text.split("\n");
  // A reference heading counts only when everything after it is a list of entries (numbered, bulleted or [n]).
  const references = lines.findIndex(
    (line, i) =>
      i > 0 &&
      REFERENCE_HEADING.test(line.trim()) &&
      lines.slice(i + 1).every((after) => !after.trim() || /^\s*(\d+[.)]|[-*•]|\[\d+\])\s*/.test(after)),
  );
  const kept = references > 0 ? lines.slice(0, references).join("\n") : text;
  return kept
    .replace(/^\s*#{1,6}\s+.*\n+/, "")
    .replace(/^\s*\[\d+\]\s*[:：]?.*https?:\/\/\S+.*$/gm, "")
    .replace(/^#{1,2}(\s)/gm, "###$1")
    .replace(/\n{3,}/g, "\n\n");
}

/** Applies `rewrite` to the text outside fenced code blocks. */
function outsideCode(text: string, rewrite: (text: string) => string): string {
  return text
    .split(/(```[\s\S]*?```)/g)
    .map((part) => (part.startsWith("```") ? part : rewrite(part)))
    .join("");
}
