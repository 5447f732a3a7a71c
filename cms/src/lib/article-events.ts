import { LOCALES, type Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { recount } from "./counts.ts";
import { notify } from "./notify.ts";
import { enqueue, type OutboxAction } from "./outbox.ts";
import { wakeSearchSync } from "./search-sync.ts";
import { notifyCommunity } from "./webhook.ts";

const ARTICLE = "api::article.article";
const WATCHED: Record<string, OutboxAction> = {
  publish: "upsert",
  unpublish: "remove",
  update: "upsert",
  delete: "remove",
};

type Params = { documentId?: string; locale?: string | string[] };

const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** The locales a document-service call touches: `*` means all; none means the default locale. */
export function localesOf(locale: Params["locale"], defaultLocale: string): string[] {
  if (locale === "*") return [...LOCALES];
  if (Array.isArray(locale)) return locale;
  return [locale ?? defaultLocale];
}

/** A published version of `documentId` in one of `locales`, if any (a list of at most one). */
const publishedVersion = (strapi: Core.Strapi, documentId: string, locales: string[], populate?: { author: true }) =>
  strapi
    .documents(ARTICLE)
    .findMany({ filters: { documentId }, status: "published", locale: locales, populate, limit: 1 });

/**
 * Every publish, unpublish, update and delete of an article writes its outbox rows in the same transaction as the
 * change — so the search index can never miss a change that committed, nor see one that rolled back — then, once
 * committed, tells the community which pages to refresh.
 */
export function registerArticleEvents(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const action = WATCHED[context.action];
    if (context.uid !== ARTICLE || !action) return next();
    const params = context.params as Params;
    const defaultLocale: string = await strapi.plugin("i18n").service("locales").getDefaultLocale();
    return strapi.db.transaction(async ({ trx, onCommit }) => {
      const locales = localesOf(params.locale, defaultLocale);
      const wasPublished =
        context.action === "publish" && params.documentId
          ? (await publishedVersion(strapi, params.documentId, locales)).length > 0
          : false;
      const result = await next();
      const documentId = params.documentId ?? (result as { documentId?: string } | null)?.documentId;
      if (!documentId) return result;
      for (const locale of locales) await enqueue(trx, action, documentId, locale);
      if (context.action !== "delete") await recount(trx, documentId);
      if (context.action === "publish" && !wasPublished) await notifyAuthor(strapi, documentId, locales);
      onCommit(() => {
        wakeSearchSync();
        const [only] = locales;
        notifyCommunity({
          model: "article",
          event: context.action as "publish" | "unpublish" | "update" | "delete",
          documentId,
          locale: locales.length === 1 && only && isLocale(only) ? only : null,
        });
      });
      return result;
    });
  });
}

/** "Your article was published" (an editor's review decision), the first time it is. */
async function notifyAuthor(strapi: Core.Strapi, documentId: string, locales: string[]): Promise<void> {
  const [article] = await publishedVersion(strapi, documentId, locales, { author: true });
  if (!article?.author) return;
  await notify(strapi, {
    recipientId: article.author.id,
    kind: "review_published",
    articleDocumentId: documentId,
    articleLocale: article.locale,
    message: article.title,
  });
}
