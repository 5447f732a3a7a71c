import type { APIRoute } from "astro";
import { cacheTags } from "../../../../lib/cache/page-cache.ts";
import { tagBySlug } from "../../../../lib/cms/public.ts";
import { asLocale } from "../../../../lib/i18n/index.ts";
import { validSegment } from "../../../../lib/page.ts";
import { tagCard } from "../../../../lib/share-card/card.ts";
import { cardResponse } from "../../../../lib/share-card/response.ts";

/** The share card of a tag's page, the tag named in this locale; invalidated with the page. */
export const GET: APIRoute = async (context) => {
  const locale = asLocale(context.params.locale);
  const slug = validSegment(context.params.slug);
  if (!locale || !slug) return new Response(null, { status: 404 });
  const tag = await tagBySlug(slug, locale);
  if (!tag) return new Response(null, { status: 404 });
  return cardResponse(context, locale, tagCard(locale, tag), [cacheTags.lists(locale)]);
};
