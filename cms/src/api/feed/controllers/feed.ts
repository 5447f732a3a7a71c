import { LOCALES } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { z } from "zod";
import { currentProfile } from "../../../lib/members.ts";
import { parse } from "../../../lib/validate.ts";
import { ARTICLE_LIST_POPULATE } from "../../article/middlewares/populate.ts";

const query = z.object({
  locale: z.enum(LOCALES).default("zh-CN"),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});

type Ctx = { query: unknown; state: { user?: { id: number } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /feed/following — published articles by the authors and in the tags the member follows, newest first. */
  async following(ctx: Ctx) {
    const { locale, page, pageSize } = parse(query, ctx.query);
    const profile = await currentProfile(strapi, ctx);
    const follows = await strapi.documents("api::follow.follow").findMany({
      filters: { follower: { id: profile.id } },
      populate: { author: true, tag: true },
      limit: 1000,
    });
    const authors = follows.flatMap((f) => (f.author ? [f.author.documentId] : []));
    const tags = follows.flatMap((f) => (f.tag ? [f.tag.documentId] : []));
    if (!authors.length && !tags.length) {
      ctx.body = { data: [], meta: { pagination: { page, pageSize, total: 0, pageCount: 0 } } };
      return;
    }
    const filters = {
      $or: [
        ...(authors.length ? [{ author: { documentId: { $in: authors } } }] : []),
        ...(tags.length ? [{ tags: { documentId: { $in: tags } } }] : []),
      ],
    };
    const articles = strapi.documents("api::article.article");
    const [data, total] = await Promise.all([
      articles.findMany({
        status: "published",
        locale,
        filters,
        sort: "publishedAt:desc",
        populate: ARTICLE_LIST_POPULATE as never,
        start: (page - 1) * pageSize,
        limit: pageSize,
      }),
      articles.count({ status: "published", locale, filters }),
    ]);
    ctx.body = { data, meta: { pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) } } };
  },
});
