import { Resvg } from "@resvg/resvg-js";
import satori from "satori";
import { drawable, fontsFor } from "./fonts.ts";
import { CARD_HEIGHT, CARD_WIDTH, type CardText, cardLayout, cardTexts } from "./layout.ts";

/**
 * Draws a card as a 1200×630 PNG: satori lays it out as SVG with the glyphs as paths, resvg rasterises it. All of it
 * is CPU work (tens of milliseconds, a few hundred for the very first card), which is why it runs in a worker
 * (./worker.ts), never on the server's event loop.
 */
export async function drawCard(card: CardText): Promise<Uint8Array<ArrayBuffer>> {
  const text: CardText = {
    site: drawable(card.site, 700),
    title: drawable(card.title, 700),
    ...(card.kicker ? { kicker: drawable(card.kicker, 700) } : {}),
    ...(card.byline ? { byline: drawable(card.byline, 400) } : {}),
  };
  // satori's types want a React element; the tree is one, without React.
  const svg = await satori(cardLayout(text) as unknown as Parameters<typeof satori>[0], {
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    fonts: fontsFor(cardTexts(text)),
  });
  // The text is paths already: resvg needs no fonts, so it scans none.
  const png = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } }).render().asPng();
  return new Uint8Array(png);
}
