import type { Core } from "@strapi/strapi";

/** What pages show of an image: its responsive variants (`formats`) and size too, for srcset, width and height. */
const IMAGE_FIELDS = ["url", "alternativeText", "width", "height", "mime", "formats"] as const;

/** What a list of articles shows: tags, category, author and cover, but not the bodies' sources. */
export const ARTICLE_LIST_POPULATE = {
  tags: { fields: ["name", "slug"] },
  category: { fields: ["name", "slug"] },
  author: { fields: ["displayName", "handle"], populate: { avatar: { fields: IMAGE_FIELDS } } },
  cover: { fields: IMAGE_FIELDS },
} as const;

/** One article: everything a page shows, sources and generation metadata included. */
export const ARTICLE_PAGE_POPULATE = { ...ARTICLE_LIST_POPULATE, sources: true, generation: true } as const;

/** The populate tree for article reads lives here, once, rather than in every caller's query string. */
export default (_config: unknown, _ctx: { strapi: Core.Strapi }) =>
  async (ctx: { query: Record<string, unknown>; params: { id?: string } }, next: () => Promise<void>) => {
    if (!ctx.query.populate) ctx.query.populate = ctx.params.id ? ARTICLE_PAGE_POPULATE : ARTICLE_LIST_POPULATE;
    await next();
  };
