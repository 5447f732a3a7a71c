import { LOCALES, type Locale } from "@inkstone/config";
import type { Session } from "../auth/session.ts";
import { myFollows, myReactions } from "../cms/member.ts";
import { articleBySlug, commentsOf, relatedArticles, translations } from "../cms/public.ts";
import type { Article, ArticleSummary, Comment } from "../cms/schemas.ts";
import { paths } from "../i18n/index.ts";
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
  const [likes, bookmarks, follows] = await Promise.all([
    myReactions(session.jwt, "like"),
    myReactions(session.jwt, "bookmark"),
    myFollows(session.jwt),
  ]);
  const handle = article.author?.handle;
  return {
    liked: likes.some((r) => r.article === article.documentId),
    bookmarked: bookmarks.some((r) => r.article === article.documentId),
    followsAuthor: Boolean(handle && follows.authors.some((a) => a.handle === handle)),
    isAuthor: handle === session.handle,
  };
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
