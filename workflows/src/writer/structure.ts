import type { Locale } from "@inkstone/config";

/**
 * What makes an article whole: an introduction, at least three sections and a conclusion. Both writers shape their
 * drafts by it, and `npm run bench:fidelity` checks drafts against the same words.
 */

/** The headings a writer gives the parts it adds. */
export const PART_HEADINGS: Record<Locale, { introduction: string; conclusion: string }> = {
  "zh-CN": { introduction: "引言", conclusion: "结语" },
  en: { introduction: "Introduction", conclusion: "Conclusion" },
};

/** Sections an article has between its introduction and its conclusion, at least. */
export const MIN_BODY_SECTIONS = 3;

const INTRODUCTION =
  /^(?:introduction|intro|overview|background|preface|at a glance|why\b.*|引言|导言|前言|概述|简介|导语|背景|缘起)$/i;
const CONCLUSION =
  /^(?:conclusions?|in conclusion|summary|summing up|closing thoughts|final thoughts|takeaways?|key takeaways|wrapping up|the bottom line|looking ahead|结语|总结|结论|小结|结束语|写在最后|展望)$/i;

/** A heading without its numbering ("1. Introduction", "一、引言") and trailing punctuation. */
export function bareHeading(heading: string): string {
  return heading
    .replace(/^(?:\d+[.)、]?|[一二三四五六七八九十]+[、.])\s*/, "")
    .replace(/[:：.。!！]+$/, "")
    .trim();
}

export const isIntroductionHeading = (heading: string) => INTRODUCTION.test(bareHeading(heading));
export const isConclusionHeading = (heading: string) => CONCLUSION.test(bareHeading(heading));
