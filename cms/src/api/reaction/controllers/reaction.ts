import { documentIdSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { lockArticle, recount } from "../../../lib/counts.ts";
import { currentProfile } from "../../../lib/members.ts";
import { notifyLike } from "../../../lib/notify.ts";
import { parse } from "../../../lib/validate.ts";

const REACTION = "api::reaction.reaction";
const kind = z.enum(["like", "bookmark"], { error: "expected like or bookmark" });
const setBody = z.strictObject({
  article: documentIdSchema,
  kind,
  active: z.boolean({ error: "expected true or false" }),
});
const mineQuery = z.object({ kind: kind.default("bookmark") });

type Ctx = { request: { body?: { data?: unknown } }; query: unknown; state: { user?: { id: number } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * PUT /reactions {article, kind, active} — sets the member's like or bookmark on or off. Setting what is already
   * set changes nothing, so a double click or a retried request stays one like. A new like tells the article's
   * author, grouped with the likes they have not read yet (lib/notify.ts `notifyLike`).
   */
  async set(ctx: Ctx) {
    const input = parse(setBody, ctx.request.body?.data);
    const profile = await currentProfile(strapi, ctx);
    // Any published locale: a like is of the document; its author hears of it under that version's title.
    const [article] = (await strapi.documents("api::article.article").findMany({
      filters: { documentId: input.article },
      status: "published",
      locale: "*",
      fields: ["title", "locale"],
      populate: { author: { fields: ["id"] } },
      limit: 1,
    } as never)) as unknown as ({ title: string; locale: string; author?: { id: number } | null } | undefined)[];
    if (!article) throw new errors.NotFoundError("No published article with that id.");
    const key = `${profile.id}:${input.article}:${input.kind}`;
    const counts = await strapi.db.transaction(async ({ trx }) => {
      // One writer per article at a time: the recount below then always sees every committed reaction.
      await lockArticle(trx, input.article);
      const existing = await strapi.documents(REACTION).findFirst({ filters: { key } });
      if (input.active && !existing) {
        await strapi.documents(REACTION).create({
          data: { key, member: profile.documentId, articleDocumentId: input.article, kind: input.kind },
        } as never);
        if (input.kind === "like" && article.author)
          await notifyLike(strapi, trx, {
            authorId: article.author.id,
            likerId: profile.id,
            articleDocumentId: input.article,
            articleLocale: article.locale,
            title: article.title,
          });
      }
      if (!input.active && existing) await strapi.documents(REACTION).delete({ documentId: existing.documentId });
      // A changed like count also queues the article for the index, batched with the likes around it.
      await recount(trx, input.article);
      // Read in SQL, on the transaction, right after the recount: any row of the document has the counts.
      const row = await trx("articles").where({ document_id: input.article }).first("likes_count", "bookmarks_count");
      return { likes: Number(row?.likes_count ?? 0), bookmarks: Number(row?.bookmarks_count ?? 0) };
    });
    ctx.body = { data: { article: input.article, kind: input.kind, active: input.active, ...counts } };
  },

  /** GET /reactions/mine?kind=bookmark — the member's bookmarks (or likes), newest first, as article ids. */
  async mine(ctx: Ctx) {
    const { kind: wanted } = parse(mineQuery, ctx.query);
    const profile = await currentProfile(strapi, ctx);
    const rows = await strapi.documents(REACTION).findMany({
      filters: { member: { id: profile.id }, kind: wanted },
      sort: "createdAt:desc",
      limit: 500,
    });
    ctx.body = {
      data: rows.map((r) => ({ article: r.articleDocumentId as string, at: r.createdAt as string })),
    };
  },
});
