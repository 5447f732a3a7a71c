import { DEFAULT_LOCALE, LOCALES, type Locale } from "@inkstone/config";
import { en, type Strings } from "./en.ts";
import { zhCN } from "./zh-CN.ts";

export type { Strings };

const STRINGS: Record<Locale, Strings> = { "zh-CN": zhCN, en };

/** The UI strings of `locale`. */
export function t(locale: Locale): Strings {
  return STRINGS[locale];
}

/** `value` as a Locale, or undefined (an unknown path segment is a 404, not a fallback). */
export function asLocale(value: string | undefined): Locale | undefined {
  return (LOCALES as readonly string[]).includes(value ?? "") ? (value as Locale) : undefined;
}

/** The locale a path is in (its first segment), zh-CN when it has none. */
export function localeOfPath(pathname: string): Locale {
  return asLocale(pathname.split("/")[1]) ?? DEFAULT_LOCALE;
}

/** The other locale(s), for the language switch and hreflang. */
export function otherLocales(locale: Locale): Locale[] {
  return LOCALES.filter((l) => l !== locale);
}

/** Paths of every page, per locale: `/zh-CN/…` and `/en/…` (the bare `/` redirects to the preferred one). */
export const paths = {
  home: (l: Locale) => `/${l}/`,
  top: (l: Locale) => `/${l}/top`,
  following: (l: Locale) => `/${l}/following`,
  article: (l: Locale, slug: string) => `/${l}/a/${encodeURIComponent(slug)}`,
  articleById: (l: Locale, documentId: string) => `/${l}/d/${encodeURIComponent(documentId)}`,
  tag: (l: Locale, slug: string) => `/${l}/tags/${encodeURIComponent(slug)}`,
  category: (l: Locale, slug: string) => `/${l}/categories/${encodeURIComponent(slug)}`,
  author: (l: Locale, handle: string) => `/${l}/authors/${encodeURIComponent(handle)}`,
  search: (l: Locale, q?: string) => `/${l}/search${q ? `?q=${encodeURIComponent(q)}` : ""}`,
  write: (l: Locale) => `/${l}/write`,
  queue: (l: Locale) => `/${l}/queue`,
  run: (l: Locale, runId: string) => `/${l}/runs/${encodeURIComponent(runId)}`,
  ask: (l: Locale) => `/${l}/ask`,
  conversation: (l: Locale, documentId: string) => `/${l}/ask/${encodeURIComponent(documentId)}`,
  signIn: (l: Locale, next?: string) => `/${l}/signin${next ? `?next=${encodeURIComponent(next)}` : ""}`,
  signUp: (l: Locale) => `/${l}/signup`,
  bookmarks: (l: Locale) => `/${l}/bookmarks`,
  notifications: (l: Locale) => `/${l}/notifications`,
  settings: (l: Locale) => `/${l}/settings`,
  mailSettings: (l: Locale) => `/${l}/settings#mail`,
  forgotPassword: (l: Locale) => `/${l}/forgot-password`,
  resetPassword: (l: Locale, token?: string) =>
    `/${l}/reset-password${token ? `?token=${encodeURIComponent(token)}` : ""}`,
  verifyEmail: (l: Locale, token?: string) => `/${l}/verify-email${token ? `?token=${encodeURIComponent(token)}` : ""}`,
  confirmEmail: (l: Locale, token?: string) =>
    `/${l}/confirm-email${token ? `?token=${encodeURIComponent(token)}` : ""}`,
  unsubscribe: (l: Locale, token?: string) => `/${l}/unsubscribe${token ? `?token=${encodeURIComponent(token)}` : ""}`,
  rss: (l: Locale) => `/${l}/rss.xml`,
  authorRss: (l: Locale, handle: string) => `/${l}/authors/${encodeURIComponent(handle)}/rss.xml`,
  tagRss: (l: Locale, slug: string) => `/${l}/tags/${encodeURIComponent(slug)}/rss.xml`,
};

/** `path` with its locale segment swapped for `to` (pages whose address is the same in every language). */
export function switchLocale(path: string, to: Locale): string {
  const rest = path.replace(/^\/(zh-CN|en)(?=\/|$)/, "");
  return `/${to}${rest || "/"}`;
}

/** Dates as a reader of `locale` writes them. */
export function formatDate(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(
    date,
  );
}

export { DEFAULT_LOCALE, LOCALES };
