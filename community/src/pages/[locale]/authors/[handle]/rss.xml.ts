import type { APIRoute } from "astro";
import { cacheTags } from "../../../../lib/cache/page-cache.ts";
import { listArticles, profileByHandle } from "../../../../lib/cms/public.ts";
import { authorFeed, FEED_SIZE, rssResponse } from "../../../../lib/feed.ts";
import { asLocale } from "../../../../lib/i18n/index.ts";
import { validSegment } from "../../../../lib/page.ts";

/** An author's latest articles in one language as RSS 2.0, cached and dropped like their page. */
export const GET: APIRoute = async ({ params, locals }) => {
  const locale = asLocale(params.locale);
  const handle = validSegment(params.handle, 80);
  if (!locale || !handle) return new Response(null, { status: 404 });
  const [profile, { articles }] = await Promise.all([
    profileByHandle(handle),
    listArticles({ locale, sort: "latest", pageSize: FEED_SIZE, filter: { author: handle } }),
  ]);
  if (!profile) return new Response(null, { status: 404 });
  locals.cache = { tags: [cacheTags.lists(locale), cacheTags.author(handle)] };
  return rssResponse(authorFeed(locale, profile), articles);
};
