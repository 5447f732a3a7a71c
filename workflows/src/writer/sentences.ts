import type { Locale } from "@inkstone/config";

const STOPWORDS = new Set(
  "the a an and or of to in on for with by is are was were be been it its this that as at from how what why when which who into about than then there their our your you we they he she not no can will would should could more most also".split(
    " ",
  ),
);

/** The sentences of `text` that read as prose (not menu items, not walls of text). */
export function sentencesOf(text: string, language: Locale): string[] {
  const segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  const min = language === "zh-CN" ? 12 : 40;
  const out: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    for (const { segment } of segmenter.segment(paragraph)) {
      const sentence = segment.replace(/\s+/g, " ").trim();
      if (sentence.length >= min && sentence.length <= 400 && /[.!?。！？]$/.test(sentence)) out.push(sentence);
    }
  }
  return out;
}

/** Content words of `text`, lower-cased (Chinese is segmented into words by ICU). */
export function keywordsOf(text: string, language: Locale): Set<string> {
  const segmenter = new Intl.Segmenter(language, { granularity: "word" });
  const words = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(text.toLowerCase())) {
    if (!isWordLike || STOPWORDS.has(segment)) continue;
    if (/\p{Script=Han}/u.test(segment) ? segment.length >= 2 : segment.length >= 3) words.add(segment);
  }
  return words;
}

/** How much `sentence` is about `query`: shared content words, damped by length so long sentences do not win. */
export function relevance(sentence: string, query: Set<string>, language: Locale): number {
  const words = keywordsOf(sentence, language);
  let shared = 0;
  for (const word of words) if (query.has(word)) shared++;
  return (shared + 0.1) / Math.sqrt(words.size + 1);
}
