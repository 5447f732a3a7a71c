import type { Locale } from "@inkstone/config";
import { isInLanguage } from "../llm/language.ts";

/**
 * What a model's section must be before it joins the draft: the article's Markdown (no raw HTML, no code fences, no
 * heading of its own), in the run's language, citing at least one source with numbers in range, and not a repeat of
 * a section already written. (Citations of sources that were not read are removed when the article is assembled.)
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " " };

/** The section as the article's Markdown: fences, HTML and a leading heading removed, blank lines tidied. */
export function cleanSection(text: string): string {
  let out = text.trim();
  const fenced = /^```[\w-]*\n([\s\S]*?)\n```$/.exec(out);
  if (fenced?.[1] !== undefined) out = fenced[1].trim();
  out = out
    .replace(/^\s*```[\w-]*\s*$/gm, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|ul|ol|blockquote)>/gi, "\n\n")
    .replace(/<li[^>]*>/gi, "\n- ")
    .replace(/<\/?[a-z][^>]*>/gi, "")
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "");
  // The assembled article gives each section its heading; one the model wrote again would show twice.
  out = out.replace(/^\s*#{1,6}\s+[^\n]*\n+/, "");
  // An answer cut off by its token limit can end inside a citation ("… tides [").
  out = out.replace(/\s*\[[^\]\n]{0,12}$/, "");
  return out
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The source numbers a section cites: [1], [2][3], [1, 4]. */
export function citedNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const [, list = ""] of text.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g))
    for (const n of list.split(",")) numbers.push(Number(n.trim()));
  return numbers;
}

/** Word trigrams (en) or character bigrams (zh) of `text`: what two sections share when one repeats the other. */
function grams(text: string, language: Locale): Set<string> {
  const plain = text.toLowerCase().replace(/\[\d[\d,\s]*\]/g, "");
  const out = new Set<string>();
  if (language === "zh-CN") {
    const chars = [...plain.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, "")];
    for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i]}${chars[i + 1]}`);
  } else {
    const words = plain.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  }
  return out;
}

/**
 * How much of `text` another text already says: the share of its n-grams found in `other`, 0–1. A share, not a
 * symmetric similarity, so a section that repeats the first part of a longer one counts as the repeat it is.
 */
export function repeatedShare(text: string, other: string, language: Locale): number {
  const x = grams(text, language);
  const y = grams(other, language);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared++;
  return shared / x.size;
}

/** Above this share of n-grams already written elsewhere, a section repeats another (rewording a few words does not make it new). */
export const DUPLICATE_SIMILARITY = 0.6;

export type SectionProblem = "empty" | "language" | "duplicate" | "uncited";

/** The first thing wrong with a cleaned section, or null. `sourceCount` 0: nothing can be cited, so none is asked. */
export function sectionProblem(
  text: string,
  options: { language: Locale; sourceCount: number; written: readonly string[] },
): SectionProblem | null {
  if (!text.trim()) return "empty";
  if (!isInLanguage(text, options.language)) return "language";
  if (options.written.some((other) => repeatedShare(text, other, options.language) > DUPLICATE_SIMILARITY))
    return "duplicate";
  // Numbers out of range are removed when the article is assembled; a section needs at least one that is real.
  if (options.sourceCount > 0 && !citedNumbers(text).some((n) => n >= 1 && n <= options.sourceCount)) return "uncited";
  return null;
}

/** What the model is told when it tries a section again. */
export function problemReminder(problem: SectionProblem, sourceCount: number, languageInstruction: string): string {
  switch (problem) {
    case "empty":
      return "Your previous answer was empty. Write the section.";
    case "language":
      return `Your previous answer was not in the required language. ${languageInstruction}`;
    case "duplicate":
      return "Your previous answer repeated another section of the article. Write only about this section's heading, with different content.";
    case "uncited":
      return `Your previous answer cited no source. Cite the sources you use with their numbers in square brackets, like [1]; only sources 1 to ${sourceCount} exist.`;
  }
}

/** The run log's words for a problem. */
export const PROBLEM_WORDS: Record<SectionProblem, string> = {
  empty: "was empty",
  language: "was not in the run's language",
  duplicate: "repeated another section",
  uncited: "cited no source that was read",
};
