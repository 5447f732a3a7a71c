import type { Locale } from "@inkstone/config";

const STOPWORDS = new Set(
  "the a an and or of to in on for with by is are was were be been it its this that as at from how what why when which who into about than then there their our your you we they he she not no can will would should could more most also".split(
    " ",
  ),
);

/** A block of extracted text: a paragraph, a `## ` heading or a `- ` list item (see fetch/extract.ts). */
export type Block = { kind: "paragraph" | "heading" | "item"; text: string };

/** The blocks of `text`, one a line or paragraph, with their Markdown markers taken off. */
export function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  for (const line of text.split(/\n+/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const heading = /^#{1,6}\s+(.+)$/.exec(trimmed);
    const item = /^[-*•]\s+(.+)$/.exec(trimmed);
    if (heading) blocks.push({ kind: "heading", text: heading[1]?.trim() ?? "" });
    else if (item) blocks.push({ kind: "item", text: item[1]?.trim() ?? "" });
    else blocks.push({ kind: "paragraph", text: trimmed.replace(/\s+/g, " ") });
  }
  return blocks;
}

/** A sentence of a source with the heading it sits under (empty before the first heading). */
export type PlacedSentence = { sentence: string; heading: string };

/**
 * The sentences of `text` that read as prose (not headings, menu items or walls of text), each with the source
 * heading above it. Segmented by `Intl.Segmenter`, which handles Chinese and Latin punctuation alike.
 */
export function placedSentencesOf(text: string, language: Locale): PlacedSentence[] {
  const segmenter = new Intl.Segmenter(language, { granularity: "sentence" });
  const min = language === "zh-CN" ? 12 : 40;
  const out: PlacedSentence[] = [];
  let heading = "";
  for (const block of blocksOf(text)) {
    if (block.kind === "heading") {
      heading = block.text;
      continue;
    }
    for (const { segment } of segmenter.segment(block.text)) {
      const sentence = segment.replace(/\s+/g, " ").trim();
      if (sentence.length >= min && sentence.length <= 400 && /[.!?。！？]["'”’）)]*$/.test(sentence))
        out.push({ sentence, heading });
    }
  }
  return out;
}

/** The sentences of `text` that read as prose. */
export function sentencesOf(text: string, language: Locale): string[] {
  return placedSentencesOf(text, language).map((placed) => placed.sentence);
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
