import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { authorTags, cacheTags } from "../../../../lib/cache/page-cache.ts";
import { articlesByIds } from "../../../../lib/cms/public.ts";
import { asLocale } from "../../../../lib/i18n/index.ts";
import { articleCard } from "../../../../lib/share-card/card.ts";
import { cardResponse } from "../../../../lib/share-card/response.ts";

/** The share card of an article published in this locale; invalidated with its page. */
export const GET: APIRoute = async (context) => {
  const locale = asLocale(context.params.locale);
  const id = context.params.documentId;
  if (!locale || !isDocumentId(id)) return new Response(null, { status: 404 });
  const [article] = await articlesByIds([id], [locale]);
  if (!article) return new Response(null, { status: 404 });
  const tags = [cacheTags.article(article.documentId), ...authorTags([article.author?.handle])];
  return cardResponse(context, locale, articleCard(article), tags);
};
