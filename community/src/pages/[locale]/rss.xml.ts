import type { APIRoute } from "astro";
import { cacheTags } from "../../lib/cache/page-cache.ts";
import { listArticles } from "../../lib/cms/public.ts";
import { FEED_SIZE, rssResponse, siteFeed } from "../../lib/feed.ts";
import { asLocale } from "../../lib/i18n/index.ts";

/** The latest articles of one language as RSS 2.0. */
export const GET: APIRoute = async ({ params, locals }) => {
  const locale = asLocale(params.locale);
  if (!locale) return new Response(null, { status: 404 });
  const { articles } = await listArticles({ locale, sort: "latest", pageSize: FEED_SIZE });
  locals.cache = { tags: [cacheTags.lists(locale)] };
  return rssResponse(siteFeed(locale), articles);
};
