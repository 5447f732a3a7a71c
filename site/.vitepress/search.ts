/**
 * Splits text into words, Chinese included. MiniSearch's default splits on spaces and punctuation only, which leaves a
 * whole Chinese clause as one term, so `写作` would never match `辅助写作平台`. The same function must segment both
 * the index (at build time) and the reader's query (in the browser): VitePress ships it to the browser as its source
 * text, so it must not refer to anything outside its own body.
 */
export const tokenize = (text: string): string[] =>
  Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(text))
    .filter((part) => part.isWordLike)
    .map((part) => part.segment);
