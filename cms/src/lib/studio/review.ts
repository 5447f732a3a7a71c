import { REVIEW_STATES, type ReviewState, reviewNoteSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { localesOf } from "../article-events.ts";
import { type NotificationKind, notify } from "../notify.ts";
import { ARTICLE } from "./drafts.ts";

/**
 * Editors decide in the admin: they set an article's review state in its edit view and publish it there. A
 * Document Service middleware keeps the rules whoever writes (the admin, the studio, a script):
 * - asking for changes or declining needs a note the creator can act on (the save fails with a message saying so);
 * - "published" comes from publishing only, and a published article's state changes by unpublishing it first;
 * - publishing sets "published" on the draft and the published version alike; unpublishing puts the draft back
 *   to "draft", the creator's to edit and submit again;
 * - a decision (changes requested, declined) tells the creator, by notification and mail (category "reviews");
 *   publishing tells them too (article-events.ts, the first time it is published).
 */

/** The states whose decision carries a note, and what the creator is told. */
const DECISIONS: Partial<Record<ReviewState, NotificationKind>> = {
  changes_requested: "review_changes_requested",
  declined: "review_declined",
};

type Next = Parameters<Parameters<Core.Strapi["documents"]["use"]>[0]>[1];
type Params = { documentId?: string; locale?: string | string[]; data?: Record<string, unknown> };
type DraftState = { id: number; title: string; reviewState: ReviewState | null; reviewNote: string | null };

const isState = (value: unknown): value is ReviewState => (REVIEW_STATES as readonly unknown[]).includes(value);

const refusal = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: "ValidationError" }] });

export function registerReviewRules(strapi: Core.Strapi): void {
  const defaultLocale = async (): Promise<string> => strapi.plugin("i18n").service("locales").getDefaultLocale();

  /** The draft row of `documentId` in `locale` as it is before the write, with its author. */
  const draftState = async (documentId: string, locale: string) =>
    (await strapi.db.query(ARTICLE).findOne({
      where: { documentId, locale, publishedAt: null },
      select: ["id", "title", "reviewState", "reviewNote"],
      populate: { author: { select: ["id"] } },
    })) as (DraftState & { author?: { id: number } | null }) | null;

  const isPublished = async (documentId: string, locale: string) =>
    (await strapi.db.query(ARTICLE).count({ where: { documentId, locale, publishedAt: { $notNull: true } } })) > 0;

  /** Sets the review state of the draft rows of `documentId` in `locales` (db.query: no middleware runs again). */
  const setDraftState = (documentId: string, locales: string[], reviewState: ReviewState) =>
    strapi.db.query(ARTICLE).updateMany({
      where: { documentId, locale: { $in: locales }, publishedAt: null },
      data: { reviewState },
    });

  /** A create or update that names the review state or note: checked, then the creator told of a decision. */
  const write = async (action: "create" | "update", params: Params, next: Next) => {
    const data = params.data ?? {};
    if (!("reviewState" in data) && !("reviewNote" in data)) return next();
    const locale = typeof params.locale === "string" ? params.locale : await defaultLocale();
    return strapi.db.transaction(async () => {
      const current = action === "update" && params.documentId ? await draftState(params.documentId, locale) : null;
      const before: ReviewState = current?.reviewState ?? "draft";
      const after = "reviewState" in data && data.reviewState != null ? data.reviewState : before;
      // An unknown state is left to Strapi's own validation of the enumeration, which names the allowed values.
      if (!isState(after)) return next();
      if (after === "published" && before !== "published")
        throw refusal("reviewState", "Publish the article to mark it published: the state follows publishing.");
      if (before === "published" && after !== "published" && params.documentId)
        if (await isPublished(params.documentId, locale))
          throw refusal("reviewState", "This article is published: unpublish it first to change its review state.");
      const kind = DECISIONS[after];
      let note = "";
      if (kind) {
        const given = "reviewNote" in data ? data.reviewNote : current?.reviewNote;
        const checked = reviewNoteSchema.safeParse(given ?? "");
        if (!checked.success) {
          const doing = after === "declined" ? "decline" : "ask for changes";
          const tooLong = checked.error.issues.some((issue) => issue.code === "too_big");
          throw refusal(
            "reviewNote",
            tooLong
              ? "The note to the creator is at most 2,000 characters: shorten it."
              : `To ${doing}, write a note the creator can act on: they read it in their studio.`,
          );
        }
        note = checked.data;
      }
      const result = await next();
      const author = current?.author;
      if (kind && after !== before && author && params.documentId)
        await notify(strapi, {
          recipientId: author.id,
          kind,
          articleDocumentId: params.documentId,
          articleLocale: locale,
          message: note,
          articleTitle: typeof data.title === "string" ? data.title : current.title,
        });
      return result;
    });
  };

  strapi.documents.use(async (context, next) => {
    if (context.uid !== ARTICLE) return next();
    const params = context.params as Params;
    switch (context.action) {
      case "create":
      case "update":
        return write(context.action, params, next);
      case "publish":
      case "unpublish": {
        const { documentId } = params;
        if (!documentId) return next();
        const locales = localesOf(params.locale, await defaultLocale());
        return strapi.db.transaction(async () => {
          // Before publishing, so the published version is cloned from a draft that says "published" already.
          if (context.action === "publish") await setDraftState(documentId, locales, "published");
          const result = await next();
          if (context.action === "unpublish") await setDraftState(documentId, locales, "draft");
          return result;
        });
      }
      default:
        return next();
    }
  });
}
