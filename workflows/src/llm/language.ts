import type { Locale } from "@inkstone/config";

/** Share of Han characters among letters: near 1 for Chinese prose, near 0 for English. */
export function hanShare(text: string): number {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  // A Chinese character carries about as much as a short English word; weight letters accordingly.
  const total = han + latin / 4;
  return total === 0 ? 0 : han / total;
}

/** Whether `text` is written in `language` (loosely: citations, names and code stay in any script). */
export function isInLanguage(text: string, language: Locale): boolean {
  const share = hanShare(text);
  return language === "zh-CN" ? share >= 0.5 : share <= 0.1;
}

/** The instruction that pins the output language, in both languages so either kind of model follows it. */
export function languageInstruction(language: Locale): string {
  return language === "zh-CN"
    ? "Write everything in Simplified Chinese (zh-CN). 全文必须使用简体中文写作。"
    : "Write everything in English, even when sources are in another language.";
}
