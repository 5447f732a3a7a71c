import type { APIRoute } from "astro";
import { asLocale } from "../../../lib/i18n/index.ts";
import { homeCard } from "../../../lib/share-card/card.ts";
import { cardResponse } from "../../../lib/share-card/response.ts";

/** The home page's share card, which every page without one of its own shows too. It says only the tagline. */
export const GET: APIRoute = async (context) => {
  const locale = asLocale(context.params.locale);
  if (!locale) return new Response(null, { status: 404 });
  return cardResponse(context, locale, homeCard(locale), []);
};
