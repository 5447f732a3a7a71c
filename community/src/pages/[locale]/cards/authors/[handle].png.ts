import type { APIRoute } from "astro";
import { cacheTags } from "../../../../lib/cache/page-cache.ts";
import { profileByHandle } from "../../../../lib/cms/public.ts";
import { asLocale } from "../../../../lib/i18n/index.ts";
import { validSegment } from "../../../../lib/page.ts";
import { authorCard } from "../../../../lib/share-card/card.ts";
import { cardResponse } from "../../../../lib/share-card/response.ts";

/** The share card of an author's page; invalidated with it. */
export const GET: APIRoute = async (context) => {
  const locale = asLocale(context.params.locale);
  const handle = validSegment(context.params.handle, 80);
  if (!locale || !handle) return new Response(null, { status: 404 });
  const profile = await profileByHandle(handle);
  if (!profile) return new Response(null, { status: 404 });
  return cardResponse(context, locale, authorCard(locale, profile), [
    cacheTags.lists(locale),
    cacheTags.author(handle),
  ]);
};
