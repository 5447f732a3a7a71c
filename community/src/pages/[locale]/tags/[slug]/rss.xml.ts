import type { APIRoute } from "astro";
import { cacheTags } from "../../../../lib/cache/page-cache.ts";
import { listArticles, tagBySlug } from "../../../../lib/cms/public.ts";
import { FEED_SIZE, rssResponse, tagFeed } from "../../../../lib/feed.ts";
import { asLocale } from "../../../../lib/i18n/index.ts";
import { validSegment } from "../../../../lib/page.ts";

/** A tag's latest articles in one language as RSS 2.0, the tag named in that language; cached like its page. */
export const GET: APIRoute = async ({ params, locals }) => {
  const locale = asLocale(params.locale);
  const slug = validSegment(params.slug);
  if (!locale || !slug) return new Response(null, { status: 404 });
  const [tag, { articles }] = await Promise.all([
    tagBySlug(slug, locale),
    listArticles({ locale, sort: "latest", pageSize: FEED_SIZE, filter: { tag: slug } }),
  ]);
  if (!tag) return new Response(null, { status: 404 });
  locals.cache = { tags: [cacheTags.lists(locale)] };
  return rssResponse(tagFeed(locale, tag), articles);
};
