import type { Locale } from "@inkstone/config";
import type { ReadSource } from "../../research/types.ts";
import { placedSentencesOf } from "../sentences.ts";
import { measureLength } from "./length.ts";
import { termsOf } from "./terms.ts";

/** A sentence the offline writer may quote: `n` is its source's number (from 1). */
export type Candidate = {
  id: number;
  n: number;
  sentence: string;
  /** The source heading it sits under ("" before the first). */
  heading: string;
  /** Its place among its source's sentences, for reading order. */
  position: number;
  /** How many of its source's sentences there are, so "late in the page" can be told. */
  of: number;
  terms: string[];
  set: Set<string>;
  /** Its length as the request counts it (characters for zh-CN, words for en). */
  units: number;
};

// Sentences about the page, not the subject, and fragments that only make sense beside what was cut away.
const UNQUOTABLE =
  /https?:\/\/|www\.|cookie|click here|subscribe|sign up|log in|all rights reserved|©|点击|扫码|关注公众号|版权|转载|登录|注册/i;

/** Every quotable sentence of the sources, once (the first source to say it keeps it), in the article's language. */
export function candidatesOf(sources: readonly ReadSource[], language: Locale): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  sources.forEach((source, index) => {
    const placed = placedSentencesOf(source.text, language);
    placed.forEach(({ sentence, heading }, position) => {
      const key = sentence.toLowerCase().replace(/[\s\p{P}]+/gu, "");
      if (seen.has(key) || !quotable(sentence, language)) return;
      seen.add(key);
      const terms = termsOf(sentence, language);
      if (terms.length < 3) return;
      out.push({
        id: out.length,
        n: index + 1,
        sentence,
        heading,
        position,
        of: placed.length,
        terms,
        set: new Set(terms),
        units: measureLength(sentence, language),
      });
    });
  });
  return out;
}

function quotable(sentence: string, language: Locale): boolean {
  if (UNQUOTABLE.test(sentence)) return false;
  // A "[3]" inside a quoted sentence would read as one of the article's own citations.
  if (/\[\d+\]/.test(sentence)) return false;
  const han = (sentence.match(/\p{Script=Han}/gu) ?? []).length;
  const letters = (sentence.match(/\p{L}/gu) ?? []).length;
  if (language === "zh-CN") return han >= 8 && han / Math.max(1, letters) >= 0.5;
  if (han > 0) return false;
  // English fragments: a sentence starting in lower case, one the segmenter cut at an abbreviation ("… e.g."), or
  // one mostly of digits and symbols.
  if (/^[a-z]/.test(sentence)) return false;
  if (/\b(e\.g|i\.e|etc|vs|approx|Mr|Mrs|Ms|Dr|Prof|St|Fig|U\.S|U\.K)\.$/i.test(sentence)) return false;
  return letters / sentence.length >= 0.6;
}
