import { createHash } from "node:crypto";
import type { Locale } from "@inkstone/config";
import type { ArticleSummary, Profile, Tag } from "../cms/schemas.ts";
import { t } from "../i18n/index.ts";
import { absolute } from "../page.ts";
import { CARD_HEIGHT, CARD_WIDTH, type CardText } from "./layout.ts";

/**
 * The share card of each page that has one (an article, an author, a tag, the home page, in each locale): what it
 * says, and where it is served. Pages and the card routes build it with the same function, so the image a page
 * points at is the one the route draws.
 */

/** Bump when layout.ts changes how cards look: every card's address changes, so link previews fetch them anew. */
const DESIGN = 1;

export type ShareCard = { path: string; text: CardText };

/** What a page's head says about its card (og:image, twitter:image). */
export type CardImage = { url: string; alt: string; width: number; height: number; type: "image/png" };

export const cardPaths = {
  article: (l: Locale, documentId: string) => `/${l}/cards/articles/${encodeURIComponent(documentId)}.png`,
  author: (l: Locale, handle: string) => `/${l}/cards/authors/${encodeURIComponent(handle)}.png`,
  tag: (l: Locale, slug: string) => `/${l}/cards/tags/${encodeURIComponent(slug)}.png`,
  home: (l: Locale) => `/${l}/cards/home.png`,
};

export function articleCard(article: Pick<ArticleSummary, "documentId" | "locale" | "title" | "author">): ShareCard {
  const s = t(article.locale);
  return {
    path: cardPaths.article(article.locale, article.documentId),
    text: {
      site: s.brand,
      title: article.title,
      ...(article.author ? { byline: s.shareCard.byline(article.author.displayName) } : {}),
    },
  };
}

export function authorCard(locale: Locale, profile: Pick<Profile, "handle" | "displayName">): ShareCard {
  const s = t(locale);
  return {
    path: cardPaths.author(locale, profile.handle),
    text: { site: s.brand, kicker: s.shareCard.author, title: profile.displayName, byline: `@${profile.handle}` },
  };
}

export function tagCard(locale: Locale, tag: Pick<Tag, "slug" | "name" | "description">): ShareCard {
  const s = t(locale);
  return {
    path: cardPaths.tag(locale, tag.slug),
    text: {
      site: s.brand,
      kicker: s.shareCard.tag,
      title: tag.name,
      byline: tag.description || s.tag.description(tag.name),
    },
  };
}

export function homeCard(locale: Locale): ShareCard {
  const s = t(locale);
  return { path: cardPaths.home(locale), text: { site: s.brand, title: s.tagline } };
}

/**
 * Changes whenever what the card shows changes (a new title, a renamed author), and goes in the image's address:
 * link previews (which keep images by URL for days) and CDNs fetch the new card, while the page cache keeps one
 * entry per card whatever the query (src/middleware/cache.ts).
 */
export function cardVersion(card: ShareCard): string {
  return createHash("sha256")
    .update(JSON.stringify([DESIGN, card.text]))
    .digest("base64url")
    .slice(0, 12);
}

/** The card as a page's head names it: its absolute, versioned URL, size and a text alternative. */
export function cardImage(card: ShareCard): CardImage {
  const { kicker, title, byline, site } = card.text;
  return {
    url: `${absolute(card.path)}?v=${cardVersion(card)}`,
    alt: [kicker, title, byline, site].filter(Boolean).join(" · "),
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    type: "image/png",
  };
}
