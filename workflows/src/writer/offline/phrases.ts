import type { Locale } from "@inkstone/config";
import type { Candidate } from "./pool.ts";
import { termsOf } from "./terms.ts";

const ZH_STOPWORDS = new Set(
  "我们 你们 他们 它们 可以 一个 这个 这些 那些 这种 因为 所以 但是 如果 没有 已经 以及 进行 通过 其中 以上 目前 同时 之后 之前 而且 不是 就是 还是 这样 非常 可能 需要 时候 自己 什么 如何 为什么 主要 由于 以下 包括 成为 使用 问题 方面 相关 情况 其他 一些 很多 各种 不同 能够 并且 或者 以及 对于 关于 其实 还有 更加 不仅 之一 来说 一种 例如 比如 许多 大量 一样 这里 那里 然而 此外 因此 所有 每个 任何 作为 并不 不会 不能 认为 表示 地区 开始 提供 发展 应用 研究 实现".split(
    " ",
  ),
);
const EN_STOPWORDS = new Set(
  "the a an and or but of to in on for with by is are was were be been being it its this that these those as at from how what why when where which who into about than then there their them our your you we they he she his her not no can will would should could may might must more most also has have had do does did such other some any each all only over under between while so if very many much one two three first new used use uses using well like just even however because both same many often than".split(
    " ",
  ),
);

/**
 * The phrases the sources keep coming back to, strongest first: for English, two-word phrases (then single words)
 * found in at least two sentences; for Chinese, ICU words of two or more characters. Words of the topic are left
 * out: a heading or a title should add to the topic, not repeat it.
 */
export function keyPhrases(pool: readonly Candidate[], topic: string, language: Locale, count: number): string[] {
  const topicTerms = new Set(termsOf(topic, language));
  const df = new Map<string, { count: number; first: number }>();
  const note = (phrase: string, id: number, seen: Set<string>) => {
    if (seen.has(phrase)) return;
    seen.add(phrase);
    const entry = df.get(phrase);
    if (entry) entry.count++;
    else df.set(phrase, { count: 1, first: id });
  };
  const segmenter = new Intl.Segmenter(language, { granularity: "word" });
  for (const candidate of pool) {
    const seen = new Set<string>();
    if (language === "zh-CN") {
      for (const { segment, isWordLike } of segmenter.segment(candidate.sentence)) {
        if (!isWordLike || !/^\p{Script=Han}{2,6}$/u.test(segment) || ZH_STOPWORDS.has(segment)) continue;
        if (topic.includes(segment)) continue;
        note(segment, candidate.id, seen);
      }
    } else {
      const words = (candidate.sentence.toLowerCase().match(/[a-z][a-z'-]*/g) ?? []).map((w) => w.replace(/'s$/, ""));
      for (let i = 0; i < words.length; i++) {
        const a = words[i] as string;
        if (a.length < 4 || EN_STOPWORDS.has(a) || topicTerms.has(singular(a))) continue;
        const b = words[i + 1];
        if (b && b.length >= 3 && !EN_STOPWORDS.has(b) && !topicTerms.has(singular(b)))
          note(`${a} ${b}`, candidate.id, seen);
      }
    }
  }
  const ranked = [...df.entries()]
    .filter(([, entry]) => entry.count >= 2)
    .sort((a, b) => b[1].count * weight(b[0]) - a[1].count * weight(a[0]) || a[1].first - b[1].first)
    .map(([phrase]) => phrase);
  if (language === "en" && ranked.length < count) {
    // Too few recurring pairs: single words that recur.
    const words = new Map<string, number>();
    for (const candidate of pool)
      for (const term of candidate.set)
        if (!topicTerms.has(term) && !EN_STOPWORDS.has(term) && term.length >= 5 && !/\d/.test(term))
          words.set(term, (words.get(term) ?? 0) + 1);
    for (const [word] of [...words.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
      if (!ranked.some((phrase) => phrase.includes(word))) ranked.push(word);
  }
  const chosen: string[] = [];
  for (const phrase of ranked) {
    if (chosen.some((other) => other.includes(phrase) || phrase.includes(other))) continue;
    chosen.push(phrase);
    if (chosen.length >= count) break;
  }
  return chosen;
}

// Longer Chinese words are more specific ("潮汐电站" over "能源").
function weight(phrase: string): number {
  return /\p{Script=Han}/u.test(phrase) ? 1 + 0.25 * (phrase.length - 2) : 1;
}

function singular(word: string): string {
  return word.length > 4 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}
