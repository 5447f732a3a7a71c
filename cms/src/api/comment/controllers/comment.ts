import { documentIdSchema, LOCALES } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { refusedUnverified } from "../../../lib/accounts/members.ts";
import { lockArticle, recount } from "../../../lib/counts.ts";
import { sanitizeCommentMarkdown } from "../../../lib/markdown.ts";
import { currentProfile } from "../../../lib/members.ts";
import { notify } from "../../../lib/notify.ts";
import { publicImage } from "../../../lib/uploads/public-image.ts";
import { parse } from "../../../lib/validate.ts";
import { notifyCommunity } from "../../../lib/webhook.ts";

const COMMENT = "api::comment.comment";
const body = z
  .string({ error: "write something" })
  .transform(sanitizeCommentMarkdown)
  .pipe(z.string().min(1, { error: "write something" }).max(5000, { error: "at most 5,000 characters" }));

const listQuery = z.object({ article: documentIdSchema, locale: z.enum(LOCALES) });
const createBody = z.strictObject({
  article: documentIdSchema,
  locale: z.enum(LOCALES),
  body,
  parent: documentIdSchema.optional(),
});
const updateBody = z.strictObject({ body });

type Ctx = {
  request: { body?: { data?: unknown } };
  query: unknown;
  params: { id?: string };
  state: { user?: { id: number; confirmed?: boolean | null } };
  body: unknown;
  status?: number;
};

const shape = (c: Record<string, any>) => ({
  id: c.documentId,
  // Which thread it is in: the community drops that thread from its caches when a member edits or deletes.
  article: c.articleDocumentId,
  locale: c.articleLocale,
  parent: c.parent?.documentId ?? null,
  visibility: c.visibility,
  body: c.visibility === "visible" ? c.body : "",
  edited: c.edited,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  // A deleted member's comment kept at their choice shows no one: the community names them in the page's language.
  author:
    c.visibility === "visible" && c.author && !c.author.deleted
      ? { handle: c.author.handle, displayName: c.author.displayName, avatar: publicImage(c.author.avatar) }
      : null,
});

/** What `shape` shows of a comment's relations: its author with their avatar, and its parent. */
const SHOWN = { author: { populate: { avatar: true } }, parent: true } as const;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The published article a comment goes on, or 404. */
  const publishedArticle = async (articleId: string, locale: string) => {
    const article = await strapi
      .documents("api::article.article")
      .findOne({ documentId: articleId, locale, status: "published", populate: { author: true } });
    if (!article) throw new errors.NotFoundError("No published article with that id in that language.");
    return article;
  };
  /** A comment the signed-in member wrote, or 403/404. */
  const ownComment = async (ctx: Ctx) => {
    const id = parse(documentIdSchema, ctx.params.id);
    const profile = await currentProfile(strapi, ctx);
    const comment = await strapi.documents(COMMENT).findOne({ documentId: id, populate: { author: true } });
    if (!comment || comment.visibility === "deleted") throw new errors.NotFoundError("No such comment.");
    if (comment.author?.id !== profile.id) throw new errors.ForbiddenError("You can only change your own comments.");
    if (comment.visibility === "hidden")
      throw new errors.ForbiddenError("An editor hid this comment; it cannot be changed.");
    return comment;
  };

  return {
    /** GET /comments?article=…&locale=… — the thread, oldest first; hidden comments are left out entirely. */
    async list(ctx: Ctx) {
      const { article, locale } = parse(listQuery, ctx.query);
      const rows = await strapi.documents(COMMENT).findMany({
        filters: { articleDocumentId: article, articleLocale: locale, visibility: { $in: ["visible", "deleted"] } },
        populate: SHOWN,
        sort: "createdAt:asc",
        limit: 1000,
      });
      ctx.body = { data: rows.map(shape) };
    },

    /** POST /comments — a comment or a reply, as the signed-in member. */
    async create(ctx: Ctx) {
      const input = parse(createBody, ctx.request.body?.data);
      const profile = await currentProfile(strapi, ctx);
      if (refusedUnverified(ctx)) return;
      const article = await publishedArticle(input.article, input.locale);
      const parent = input.parent
        ? await strapi.documents(COMMENT).findOne({ documentId: input.parent, populate: { author: true } })
        : null;
      if (input.parent && (!parent || parent.articleDocumentId !== input.article || parent.visibility !== "visible"))
        throw new errors.ValidationError("parent: that comment is not on this article, or is gone", {
          errors: [
            { path: ["parent"], message: "that comment is not on this article, or is gone", name: "ValidationError" },
          ],
        });
      const created = await strapi.db.transaction(async ({ trx }) => {
        await lockArticle(trx, input.article);
        const row = await strapi.documents(COMMENT).create({
          data: {
            articleDocumentId: input.article,
            articleLocale: input.locale,
            author: profile.documentId,
            parent: parent?.documentId ?? null,
            body: input.body,
            visibility: "visible",
            edited: false,
          },
          populate: SHOWN,
        } as never);
        await recount(trx, input.article);
        // A reply tells the comment's author they were answered; the article's author hears of a new comment
        // (once: when they wrote the comment replied to, the reply notice is theirs). Nobody hears of their own.
        const repliedTo = parent?.author && !parent.author.deleted ? parent.author : null;
        const about = {
          actorId: profile.id,
          articleDocumentId: input.article,
          articleLocale: input.locale,
          commentId: row.id,
          message: article.title,
        };
        if (repliedTo) await notify(strapi, { ...about, recipientId: repliedTo.id, kind: "reply_to_comment" });
        if (article.author && article.author.id !== repliedTo?.id)
          await notify(strapi, { ...about, recipientId: article.author.id, kind: "comment_on_article" });
        return row;
      });
      notifyCommunity({
        model: "comment",
        event: "create",
        articleDocumentId: input.article,
        locale: input.locale,
      });
      ctx.status = 201;
      ctx.body = { data: shape(created) };
    },

    /** PUT /comments/:id — the author edits their own visible comment. */
    async update(ctx: Ctx) {
      const { body: text } = parse(updateBody, ctx.request.body?.data);
      const comment = await ownComment(ctx);
      const updated = await strapi.documents(COMMENT).update({
        documentId: comment.documentId,
        data: { body: text, edited: true },
        populate: SHOWN,
      } as never);
      if (!updated) throw new errors.NotFoundError("No such comment.");
      notifyCommunity({
        model: "comment",
        event: "update",
        articleDocumentId: comment.articleDocumentId,
        locale: comment.articleLocale,
      });
      ctx.body = { data: shape(updated) };
    },

    /** DELETE /comments/:id — the author deletes their own; replies stay, under a "deleted" placeholder. */
    async delete(ctx: Ctx) {
      const comment = await ownComment(ctx);
      await strapi.db.transaction(async ({ trx }) => {
        await lockArticle(trx, comment.articleDocumentId);
        await strapi
          .documents(COMMENT)
          .update({ documentId: comment.documentId, data: { visibility: "deleted", body: "" } } as never);
        await recount(trx, comment.articleDocumentId);
      });
      notifyCommunity({
        model: "comment",
        event: "delete",
        articleDocumentId: comment.articleDocumentId,
        locale: comment.articleLocale,
      });
      ctx.body = {
        data: {
          id: comment.documentId,
          visibility: "deleted",
          article: comment.articleDocumentId,
          locale: comment.articleLocale,
        },
      };
    },

    /** POST /comments/:id/report — any member flags a comment for editors (sorted by reports in the admin). */
    async report(ctx: Ctx) {
      const id = parse(documentIdSchema, ctx.params.id);
      await currentProfile(strapi, ctx);
      const comment = await strapi.documents(COMMENT).findOne({ documentId: id });
      if (comment?.visibility !== "visible") throw new errors.NotFoundError("No such comment.");
      // In SQL: an atomic increment, so concurrent reports all count (the Document Service would read, then write).
      await strapi.db.connection.raw("UPDATE comments SET reports_count = reports_count + 1 WHERE id = ?", [
        comment.id,
      ]);
      ctx.body = { data: { id, reported: true } };
    },
  };
};
