import { isDocumentId, type Locale } from "@inkstone/config";
import type { StudioTarget } from "../cms/studio.ts";
import { asLocale } from "../i18n/index.ts";

/** Where the studio's pages and actions are. `l` is the page's language; an article's own language is in `target`. */
export const studioPaths = {
  home: (l: Locale) => `/${l}/studio`,
  /** The draft editor of one language version of an article. */
  article: (l: Locale, target: StudioTarget) =>
    `/${l}/studio/articles/${target.locale}/${encodeURIComponent(target.documentId)}`,
  /** A review action on it (a form post, or JSON): `/api/studio/articles/:locale/:documentId/(submit|withdraw)`. */
  action: (target: StudioTarget, action: "submit" | "withdraw") =>
    `/api/studio/articles/${target.locale}/${encodeURIComponent(target.documentId)}/${action}`,
};

/** The article a studio path names (`[articleLocale]/[documentId]`), or undefined: such a path is a 404. */
export function studioTarget(params: { articleLocale?: string; documentId?: string }): StudioTarget | undefined {
  const locale = asLocale(params.articleLocale);
  return locale && isDocumentId(params.documentId) ? { locale, documentId: params.documentId } : undefined;
}
