import { isDocumentId, type Locale } from "@inkstone/config";
import { cacheTags, tagsForChange } from "./cache/page-cache.ts";
import { announce } from "./store/replica.ts";

/**
 * Changes a member makes through the community, announced to every replica before the answer goes back, so the page
 * the member returns to shows them (read-your-writes) and other members see them on their next page. The CMS's
 * webhook says the same a moment later; this does not wait for it.
 */

/** A comment of the thread of `article` in `locale` was posted, edited or deleted. Ids that are not ids are ignored. */
export async function threadChanged(article: string, locale: Locale | undefined): Promise<void> {
  if (!isDocumentId(article) || !locale) return;
  await announce({
    kind: "tags",
    tags: tagsForChange({ model: "comment", event: "update", articleDocumentId: article, locale }),
  });
}

/** `article`'s like count changed (shown on its page in every language). */
export async function likesChanged(article: string): Promise<void> {
  await announce({ kind: "tags", tags: [cacheTags.article(article)] });
}

/** The member `handle`'s avatar changed: their page, and the articles and threads showing them. */
export async function authorChanged(handle: string): Promise<void> {
  await announce({ kind: "tags", tags: [cacheTags.author(handle)] });
}
