import { documentIdSchema, LOCALES } from "@inkstone/config";
import { factories } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { query } from "../../../lib/studio/input.ts";
import { parse } from "../../../lib/validate.ts";
import { ARTICLE_PAGE_POPULATE } from "../middlewares/populate.ts";

const ARTICLE = "api::article.article";
const previewParams = z.object({ documentId: documentIdSchema });
/** The preview reads one locale's draft and nothing else: populate, fields, filters and the like answer 400. */
const previewQuery = z.strictObject({
  locale: z.enum(LOCALES, { error: `expected locale ${LOCALES.join(" or ")}` }),
});

type Ctx = {
  params: Record<string, string | undefined>;
  query: unknown;
  state: { droppedParameters?: string[]; auth?: unknown };
};

export default factories.createCoreController(ARTICLE, ({ strapi }) => ({
  /** GET /previews/:documentId?locale= — the draft, populated and sanitised as the public findOne answers. */
  async preview(koaContext) {
    const ctx = koaContext as unknown as Ctx;
    const { documentId } = parse(previewParams, ctx.params);
    const { locale } = query(ctx, previewQuery);
    const draft = await strapi
      .documents(ARTICLE)
      .findOne({ documentId, locale, status: "draft", populate: ARTICLE_PAGE_POPULATE } as never);
    if (!draft) throw new errors.NotFoundError("No draft with that id in that language.");
    // As the core findOne: sanitised for the caller (the community's token), then { data, meta }.
    const data = await strapi.contentAPI.sanitize.output(draft, strapi.getModel(ARTICLE), { auth: ctx.state.auth });
    return { data, meta: {} };
  },
}));
