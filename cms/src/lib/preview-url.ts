import { LOCALES, type Locale } from "@inkstone/config";
import { previewPath } from "@inkstone/config/preview";
import { env } from "../env.ts";

/**
 * Strapi's Preview in the admin (config/admin.ts): the page of the community the edit view shows beside the form.
 * An article's draft opens a signed, expiring preview link (`@inkstone/config/preview`: the community checks it
 * and renders the draft with its article page, noindex); its published version opens its public page. Other
 * content types have no page: null, and the admin offers no preview.
 */

const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

/** The community's origin: the only one the admin may frame. */
export const communityOrigin = () => new URL(env().COMMUNITY_URL).origin;

export type PreviewRequest = { documentId?: string | null; locale?: string | null; status?: string | null };

export function previewUrl(uid: string, { documentId, locale, status }: PreviewRequest): string | null {
  if (uid !== "api::article.article" || !documentId || !isLocale(locale)) return null;
  const { COMMUNITY_URL, COMMUNITY_WEBHOOK_SECRET } = env();
  const base = COMMUNITY_URL.replace(/\/+$/, "");
  // `/d/<id>` redirects to the article's page by its current slug.
  if (status === "published") return `${base}/${locale}/d/${documentId}`;
  return `${base}${previewPath(COMMUNITY_WEBHOOK_SECRET, { documentId, locale })}`;
}
