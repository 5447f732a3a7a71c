import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import { t } from "../i18n/index.ts";
import { refusal } from "../responses.ts";
import type { ShareCard } from "./card.ts";
import { CardsBusy, renderCard } from "./render.ts";

/**
 * A card route's answer: the PNG, declared public and tagged like the page it belongs to, so the page cache (and,
 * through its Cache-Control, CDNs) keeps it until that page changes; 404 when the page does not exist.
 */
export async function cardResponse(
  context: APIContext,
  locale: Locale,
  card: ShareCard | null,
  tags: string[],
): Promise<Response> {
  if (!card) return new Response(null, { status: 404 });
  let png: Uint8Array<ArrayBuffer>;
  try {
    png = await renderCard(card.text);
  } catch (error) {
    if (!(error instanceof CardsBusy)) throw error;
    // A flood of new cards: this one is refused rather than queued, and asked for again shortly.
    return refusal(context.request, 503, "busy", t(locale).errors.serverErrorBody, { "retry-after": "5" }, locale);
  }
  context.locals.cache = { tags };
  return new Response(png, { headers: { "content-type": "image/png", "content-length": String(png.byteLength) } });
}
