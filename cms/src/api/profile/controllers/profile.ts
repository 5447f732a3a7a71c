import { factories } from "@strapi/strapi";
import { z } from "zod";
import { currentProfile } from "../../../lib/members.ts";
import { parse } from "../../../lib/validate.ts";

const updateBody = z.strictObject({
  displayName: z
    .string()
    .trim()
    .min(1, { error: "enter a name" })
    .max(80, { error: "at most 80 characters" })
    .optional(),
  bio: z.string().max(1000, { error: "at most 1,000 characters" }).optional(),
  links: z
    .array(
      z.strictObject({
        label: z.string().trim().min(1).max(60),
        url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).max(500),
      }),
    )
    .max(10, { error: "at most 10 links" })
    .optional(),
});

type Ctx = { request: { body?: { data?: unknown } }; state: { user?: { id: number } }; body: unknown };

const PROFILE = "api::profile.profile";

export default factories.createCoreController(PROFILE, ({ strapi }) => ({
  /** GET /profiles/me */
  async me(ctx: Ctx) {
    const profile = await currentProfile(strapi, ctx);
    ctx.body = {
      data: await strapi.documents(PROFILE).findOne({ documentId: profile.documentId, populate: ["links", "avatar"] }),
    };
  },

  /** PUT /profiles/me — display name, bio and links; the handle stays (it is in every URL of theirs). */
  async updateMe(ctx: Ctx) {
    const input = parse(updateBody, ctx.request.body?.data);
    const profile = await currentProfile(strapi, ctx);
    ctx.body = {
      data: await strapi
        .documents(PROFILE)
        .update({ documentId: profile.documentId, data: input as never, populate: ["links", "avatar"] }),
    };
  },
}));
