import { LOCALES, type Locale } from "@inkstone/config";
import type { Session } from "../auth/session.ts";
import { articleBySlug, commentsOf, relatedArticles, translations } from "../cms/public.ts";
import type { Article, ArticleSummary, Comment } from "../cms/schemas.ts";
import { paths } from "../i18n/index.ts";
import { renderArticle } from "../markdown.ts";
import { personalState } from "../personal.ts";
import { requestLog } from "../request-context.ts";

/** What the article page shows beyond the article: the thread, translations, related articles, the reader's state. */
export type ArticleView = {
  article: Article;
  comments: Comment[];
  alternates: Partial<Record<Locale, string>>;
  related: ArticleSummary[];
  member?: { liked: boolean; bookmarked: boolean; followsAuthor: boolean; isAuthor: boolean };
};

async function memberState(session: Session, article: Article): Promise<ArticleView["member"]> {
  const state = await personalState(session);
  const handle = article.author?.handle;
  return {
    liked: state.likes.has(article.documentId),
    bookmarked: state.bookmarks.has(article.documentId),
    followsAuthor: Boolean(handle && state.authors.has(handle)),
    isAuthor: handle === session.handle,
  };
}

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
export async function loadArticle(locale: Locale, slug: string, session: Session | null): Promise<ArticleView | null> {
  const article = await articleBySlug(locale, slug);
  if (!article) return null;
  const [comments, slugs, related, member] = await Promise.all([
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
    session ? memberState(session, article) : Promise.resolve(undefined),
  ]);
  const alternates: Partial<Record<Locale, string>> = { [locale]: paths.article(locale, article.slug) };
  for (const [other, otherSlug] of Object.entries(slugs) as [Locale, string][])
    alternates[other] = paths.article(other, otherSlug);
  return { article, comments, alternates, related, ...(member ? { member } : {}) };
}
