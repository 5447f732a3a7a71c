import type { StudioArticle } from "@inkstone/config";
import type { Article, Profile } from "../cms/schemas.ts";
import type { DraftForm } from "./draft-form.ts";

/** What the article view (src/components/ArticleView.astro) shows of an article: everything but what readers do. */
export type ArticleContent = Pick<
  Article,
  | "title"
  | "summary"
  | "publishedAt"
  | "readingTime"
  | "category"
  | "cover"
  | "tags"
  | "author"
  | "sources"
  | "generation"
>;

/**
 * The editor's draft as the article view shows it, for the studio's preview: by the member, dated today, with its
 * tags (by name: a draft's new tags have no page yet). The cover, category and reading time are the editors' and the
 * CMS's to set; the signed preview page (src/pages/[locale]/preview) shows the draft exactly as saved.
 */
export function draftContent(draft: DraftForm, article: StudioArticle, author: Profile | null): ArticleContent {
  return {
    title: draft.title,
    summary: draft.summary,
    publishedAt: new Date().toISOString(),
    readingTime: 0,
    category: null,
    cover: null,
    tags: article.tags.map((name) => ({ name, slug: "" })),
    author: author && { displayName: author.displayName, handle: author.handle, avatar: author.avatar },
    sources: draft.sources,
    generation: null,
  };
}
