/**
 * Splits text into words, Chinese included. MiniSearch's default splits on spaces and punctuation only, which leaves a
 * whole Chinese clause as one term, so `写作` would never match `辅助写作平台`. ICU's word segmentation does better but
 * still breaks many two-character words into single characters (`槽位` → `槽`, `位`), which match nearly every page;
 * so every run of Chinese characters is also indexed as overlapping pairs, and a two-character query finds exactly the
 * pages that contain it. The same function must segment both the index (at build time) and the reader's query (in the
 * browser): VitePress ships it to the browser as its source text, so it must not refer to anything outside its body.
 */
export const tokenize = (text: string): string[] => {
  const words = Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(text))
    .filter((part) => part.isWordLike)
    .map((part) => part.segment);
  const pairs = (text.match(/\p{Script=Han}{2,}/gu) ?? []).flatMap((run) => {
    const chars = Array.from(run);
    return chars.slice(0, -1).map((char, i) => char + (chars[i + 1] ?? ""));
  });
  return [...words, ...pairs];
};
