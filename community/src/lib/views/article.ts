import { LOCALES, type Locale } from "@inkstone/config";
import { articleBySlug, commentsOf, relatedArticles, translations } from "../cms/public.ts";
import type { Article, ArticleSummary, Comment } from "../cms/schemas.ts";
import { paths } from "../i18n/index.ts";
import { renderArticle } from "../markdown.ts";
import { requestLog } from "../request-context.ts";

/** What the article page shows beyond the article: the thread, translations, related articles. */
export type ArticleView = {
  article: Article;
  comments: Comment[];
  alternates: Partial<Record<Locale, string>>;
  related: ArticleSummary[];
};

/**
 * The article's body as HTML, rendered once per article object: the data cache hands every page the same object
 * until the article changes, so signed-in pages (rendered each time) do not parse the Markdown each time.
 */
const rendered = new WeakMap<Article, string>();
export function articleHtml(article: Article): string {
  let html = rendered.get(article);
  if (html === undefined) {
    html = renderArticle(article.body, article.sources.length);
    rendered.set(article, html);
  }
  return html;
}

/** Everything the article page needs, or null when no article has that slug in that language. */
export async function loadArticle(locale: Locale, slug: string): Promise<ArticleView | null> {
  const article = await articleBySlug(locale, slug);
  if (!article) return null;
  const [comments, slugs, related] = await Promise.all([
    commentsOf(article.documentId, locale),
    translations(
      article.documentId,
      LOCALES.filter((l) => l !== locale),
    ),
    // Related articles are a nicety: the page stands without them.
    relatedArticles(article).catch((error: unknown) => {
      requestLog().warn({ err: error }, "related articles unavailable; the article page shows none");
      return [];
    }),
  ]);
  const alternates: Partial<Record<Locale, string>> = { [locale]: paths.article(locale, article.slug) };
  for (const [other, otherSlug] of Object.entries(slugs) as [Locale, string][])
    alternates[other] = paths.article(other, otherSlug);
  return { article, comments, alternates, related };
}
