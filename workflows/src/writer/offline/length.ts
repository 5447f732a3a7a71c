import type { Locale } from "@inkstone/config";

/**
 * An article's length as requests count it: Chinese in characters (Han characters and Latin letters and digits,
 * not punctuation or spaces), English in words. Citation markers, Markdown headings, the offline banner and the
 * source list are not part of the body and should be left out by the caller or are ignored here.
 */
export function measureLength(text: string, language: Locale): number {
  const body = text
    .split("\n")
    .filter((line) => !/^\s*(#{1,6}\s|>\s)/.test(line))
    .join("\n")
    .replace(/\[\d+\]/g, " ");
  if (language === "zh-CN") return (body.match(/[\p{Script=Han}A-Za-z0-9]/gu) ?? []).length;
  return (body.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? []).length;
}
