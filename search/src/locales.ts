import type { Locale } from "@inkstone/config";

/**
 * Each locale's text lives under its own key of the index document (`zh.title`, `en.title`), because
 * Meilisearch assigns tokenizer languages per attribute, not per document: `localizedAttributes` maps `zh.*`
 * to Chinese so jieba segments it, and `en.*` to English. Without this, language detection guesses per field
 * and often takes short Chinese text for Japanese, which then fails to match.
 */
export const TEXT_KEY = { "zh-CN": "zh", en: "en" } as const satisfies Record<Locale, string>;
export type TextKey = (typeof TEXT_KEY)[Locale];

/** Meilisearch's (ISO 639-3) name for each of our locales. */
export const MEILI_LOCALE = { "zh-CN": "cmn", en: "eng" } as const satisfies Record<Locale, string>;

export const TEXT_KEYS = Object.values(TEXT_KEY) as TextKey[];

const HAN = /\p{Script=Han}/u;

/** True when `text` holds Chinese characters (used to tell Meilisearch to segment a query as Chinese). */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}
