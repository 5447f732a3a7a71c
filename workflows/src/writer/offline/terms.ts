import type { Locale } from "@inkstone/config";

const EN_STOPWORDS = new Set(
  "the a an and or but of to in on for with by is are was were be been being it its this that these those as at from how what why when where which who whom into about than then there their them our your you we they he she his her not no can will would should could may might must more most also has have had do does did such other some any each all only over under between while so if very".split(
    " ",
  ),
);

/**
 * The terms BM25 and the duplicate check compare: for Chinese, bigrams of Han characters (no dictionary needed, and
 * robust to ICU's word boundaries) plus Latin words; for English, content words with a plural "s" taken off.
 */
export function termsOf(text: string, language: Locale): string[] {
  const lower = text.toLowerCase().replace(/\[\d+\]/g, " ");
  const terms: string[] = [];
  for (const word of lower.match(/[a-z0-9][a-z0-9'’-]*/g) ?? []) {
    const w = word.replace(/['’]s$/, "");
    if (w.length < 3 || EN_STOPWORDS.has(w)) continue;
    terms.push(w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w);
  }
  if (language === "zh-CN")
    for (const run of lower.match(/\p{Script=Han}+/gu) ?? []) {
      if (run.length === 1) terms.push(run);
      for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    }
  return terms;
}

/** Shared terms over all terms: above 0.6 two sentences say the same thing. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}
