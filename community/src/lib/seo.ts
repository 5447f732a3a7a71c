import type { Locale } from "@inkstone/config";
import type { Article } from "./cms/schemas.ts";
import { paths, t } from "./i18n/index.ts";
import { mediaUrl } from "./images.ts";
import { plainText } from "./markdown.ts";
import { absolute } from "./page.ts";
import { articleCard, cardImage } from "./share-card/card.ts";

/** The site mark as a PNG (public/logo.png): the publisher's logo in structured data and the feeds' image. */
export const LOGO = { path: "/logo.png", width: 512, height: 512 } as const;

/** The description search engines and link previews show: the summary, else the start of the body. */
export function articleDescription(article: Pick<Article, "summary" | "body">): string {
  return article.summary.trim() || plainText(article.body, 200);
}

/** The cover's absolute URL, when the article has one. */
export function coverUrl(article: Pick<Article, "cover">): string | null {
  const url = mediaUrl(article.cover?.url);
  return url ? absolute(url) : null;
}

/** A list's title, saying which of its pages this is past the first (each page's title is its own). */
export function pagedTitle(title: string, page: number, locale: Locale): string {
  return page > 1 ? t(locale).pagination.titlePage(title, page) : title;
}

/** When the article last changed; Strapi stamps updatedAt just before publishedAt on a first publish. */
export function modifiedAt(article: Pick<Article, "updatedAt" | "publishedAt">): string {
  return Date.parse(article.updatedAt) > Date.parse(article.publishedAt) ? article.updatedAt : article.publishedAt;
}

/** schema.org Organization for Inkstone, with its logo. */
export function publisherJsonLd(): Record<string, unknown> {
  return {
    "@type": "Organization",
    name: "Inkstone",
    url: absolute("/"),
    logo: { "@type": "ImageObject", url: absolute(LOGO.path), width: LOGO.width, height: LOGO.height },
  };
}

/** schema.org Article for the article page; its images are the cover, if any, and the share card. */
export function articleJsonLd(article: Article): Record<string, unknown> {
  const url = absolute(paths.article(article.locale, article.slug));
  const cover = coverUrl(article);
  const card = cardImage(articleCard(article));
  return {
    "@context": "https://schema.org",
    "@type": "Article",
    headline: article.title.slice(0, 110),
    description: articleDescription(article),
    inLanguage: article.locale,
    datePublished: article.publishedAt,
    dateModified: modifiedAt(article),
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    url,
    image: [
      ...(cover ? [cover] : []),
      { "@type": "ImageObject", url: card.url, width: card.width, height: card.height, caption: card.alt },
    ],
    ...(article.author
      ? {
          author: {
            "@type": "Person",
            name: article.author.displayName,
            url: absolute(paths.author(article.locale, article.author.handle)),
          },
        }
      : {}),
    publisher: publisherJsonLd(),
    keywords: article.tags.map((tag) => tag.name).join(", "),
    ...(article.category ? { articleSection: article.category.name } : {}),
    timeRequired: `PT${Math.max(1, article.readingTime)}M`,
    ...(article.sources.length
      ? {
          citation: article.sources.map((source) => ({ "@type": "CreativeWork", name: source.title, url: source.url })),
        }
      : {}),
  };
}
