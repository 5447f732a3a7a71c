import type { Article } from "./cms/schemas.ts";
import { paths } from "./i18n/index.ts";
import { plainText } from "./markdown.ts";
import { absolute } from "./page.ts";

/** The description search engines and link previews show: the summary, else the start of the body. */
export function articleDescription(article: Pick<Article, "summary" | "body">): string {
  return article.summary.trim() || plainText(article.body, 200);
}

/** An absolute http(s) image URL for previews, when the cover has one. */
export function coverUrl(article: Pick<Article, "cover">): string | null {
  const url = article.cover?.url;
  return url && /^https?:\/\//.test(url) ? url : null;
}

/** When the article last changed; Strapi stamps updatedAt just before publishedAt on a first publish. */
export function modifiedAt(article: Pick<Article, "updatedAt" | "publishedAt">): string {
  return Date.parse(article.updatedAt) > Date.parse(article.publishedAt) ? article.updatedAt : article.publishedAt;
}

/** schema.org Article for the article page. */
export function articleJsonLd(article: Article): Record<string, unknown> {
  const url = absolute(paths.article(article.locale, article.slug));
  const image = coverUrl(article);
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
    ...(image ? { image: [image] } : {}),
    ...(article.author
      ? {
          author: {
            "@type": "Person",
            name: article.author.displayName,
            url: absolute(paths.author(article.locale, article.author.handle)),
          },
        }
      : {}),
    publisher: { "@type": "Organization", name: "Inkstone", url: absolute("/") },
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
