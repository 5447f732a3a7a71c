import type { Weight } from "./fonts.ts";

/**
 * How a share card looks, as the element tree satori lays out: the site mark at the top, an optional small label,
 * the title as large as its length allows (clamped to four lines), and a byline at the bottom. The colours are the
 * community's light scheme (src/styles/global.css).
 */

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const PADDING_X = 80;
const TEXT_WIDTH = CARD_WIDTH - 2 * PADDING_X;

/** What a card says; everything is plain text. */
export type CardText = {
  /** The site's name as the page's language writes it. */
  site: string;
  /** A small label above the title ("Tag", "Author"), if any. */
  kicker?: string;
  title: string;
  /** Under the title: who wrote it, a handle, a description. */
  byline?: string;
};

/** What satori draws: an element with a style and children (a React element, without React). */
export type CardNode = { type: string; props: { style?: Record<string, unknown>; children?: CardChild } };
type CardChild = string | CardNode | (string | CardNode)[];

const INK = "#1c1b1a";
const MUTED = "#55514c";
const PAPER = "#fbfaf7";
const ACCENT = "#8a2d1c";
/** The character on the site mark (public/favicon.svg, public/logo.png). */
const MARK_CHARACTER = "墨";

const node = (style: Record<string, unknown>, children?: CardChild): CardNode => ({
  type: "div",
  props: { style, ...(children === undefined ? {} : { children }) },
});

/** Long titles get smaller type, so most fit whole; anything longer is cut at four lines. */
function titleSize(title: string): number {
  // Chinese characters are about twice as wide as Latin letters.
  const width = [...title].reduce((sum, c) => sum + (/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
  if (width <= 36) return 76;
  if (width <= 72) return 64;
  return 54;
}

/** The site mark: the favicon's red square with 墨, and the site's name. */
function siteMark(site: string): CardNode {
  return node({ display: "flex", alignItems: "center" }, [
    node(
      {
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        width: 72,
        height: 72,
        borderRadius: 14,
        background: ACCENT,
        color: "#ffffff",
        fontSize: 44,
        fontWeight: 700,
      },
      MARK_CHARACTER,
    ),
    node({ display: "flex", marginLeft: 24, fontSize: 36, fontWeight: 700, color: INK }, site),
  ]);
}

/** The element tree of a card. */
export function cardLayout(card: CardText): CardNode {
  const size = titleSize(card.title);
  return node(
    {
      display: "flex",
      flexDirection: "column",
      boxSizing: "border-box",
      width: CARD_WIDTH,
      height: CARD_HEIGHT,
      padding: `64px ${PADDING_X}px 56px`,
      background: PAPER,
      color: INK,
      borderBottom: `16px solid ${ACCENT}`,
    },
    [
      siteMark(card.site),
      node({ display: "flex", flexDirection: "column", justifyContent: "center", flexGrow: 1, width: TEXT_WIDTH }, [
        ...(card.kicker
          ? [node({ display: "flex", fontSize: 32, fontWeight: 700, color: ACCENT, marginBottom: 16 }, card.kicker)]
          : []),
        node(
          {
            display: "block",
            width: TEXT_WIDTH,
            fontSize: size,
            fontWeight: 700,
            lineHeight: 1.25,
            lineClamp: 4,
            wordBreak: "break-word",
          },
          card.title,
        ),
      ]),
      ...(card.byline
        ? [
            node(
              {
                display: "block",
                width: TEXT_WIDTH,
                fontSize: 34,
                color: MUTED,
                lineClamp: 1,
                wordBreak: "break-word",
              },
              card.byline,
            ),
          ]
        : []),
    ],
  );
}

/** Every piece of text on the card with the weight it is drawn at, to load fonts for. */
export function cardTexts(card: CardText): { text: string; weight: Weight }[] {
  return [
    // The ellipsis ends a title cut at four lines.
    { text: `${MARK_CHARACTER}${card.site}${card.kicker ?? ""}${card.title}…`, weight: 700 },
    { text: card.byline ?? "", weight: 400 },
  ];
}
