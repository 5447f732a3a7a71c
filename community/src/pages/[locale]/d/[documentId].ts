import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { articlesByIds } from "../../../lib/cms/public.ts";
import { asLocale, otherLocales, paths } from "../../../lib/i18n/index.ts";

/** An article by its document id (notifications know ids, not slugs): redirects to its page, in this language if it has one. */
export const GET: APIRoute = async ({ params }) => {
  const locale = asLocale(params.locale);
  const id = params.documentId;
  if (!locale || !isDocumentId(id)) return new Response(null, { status: 404 });
  const [article] = await articlesByIds([id], [locale, ...otherLocales(locale)]);
  if (!article) return new Response(null, { status: 404 });
  return new Response(null, {
    status: 302,
    headers: { location: paths.article(article.locale, article.slug), "cache-control": "private, no-store" },
  });
};
