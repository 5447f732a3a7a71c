import type { Core } from "@strapi/strapi";
import { currentProfile } from "../../../lib/members.ts";
import { ownDraft, ownDrafts, studioArticle } from "../../../lib/studio/drafts.ts";
import { saveDraft, submitDraft, type Target, withdrawDraft } from "../../../lib/studio/editing.ts";
import { articleInput, draftInput, listInput, noDataInput } from "../../../lib/studio/input.ts";
import { answerConflicts } from "../../../lib/validate.ts";

type Ctx = {
  params: Record<string, string | undefined>;
  query: unknown;
  request: { body?: unknown };
  state: { user?: { id: number }; droppedParameters?: string[] };
  status?: number;
  body: unknown;
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The article the path and query name, as the signed-in member's (input is checked before anyone is looked up). */
  const target = async (ctx: Ctx): Promise<Target> => {
    const article = articleInput(ctx);
    const profile = await currentProfile(strapi, ctx);
    return { profileId: profile.id, ...article };
  };

  return {
    async list(ctx: Ctx) {
      const { page, pageSize } = listInput(ctx);
      const profile = await currentProfile(strapi, ctx);
      const { rows, total } = await ownDrafts(strapi, profile.id, { page, pageSize });
      ctx.body = {
        data: rows,
        meta: { pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) } },
      };
    },

    async findOne(ctx: Ctx) {
      const { profileId, documentId, locale } = await target(ctx);
      ctx.body = { data: await studioArticle(strapi, await ownDraft(strapi, profileId, documentId, locale)) };
    },

    async save(ctx: Ctx) {
      const input = draftInput(ctx);
      const article = await target(ctx);
      await answerConflicts(ctx, async () => {
        ctx.body = { data: await studioArticle(strapi, await saveDraft(strapi, article, input)) };
      });
    },

    async submit(ctx: Ctx) {
      noDataInput(ctx);
      const article = await target(ctx);
      await answerConflicts(ctx, async () => {
        ctx.body = { data: await studioArticle(strapi, await submitDraft(strapi, article)) };
      });
    },

    async withdraw(ctx: Ctx) {
      noDataInput(ctx);
      const article = await target(ctx);
      await answerConflicts(ctx, async () => {
        ctx.body = { data: await studioArticle(strapi, await withdrawDraft(strapi, article)) };
      });
    },
  };
};
