import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { currentProfile } from "../../../lib/members.ts";
import { notify } from "../../../lib/notify.ts";
import { parse } from "../../../lib/validate.ts";

const FOLLOW = "api::follow.follow";
const setBody = z.strictObject({
  targetType: z.enum(["author", "tag"], { error: "expected author or tag" }),
  /** An author's handle or a tag's slug. */
  target: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { error: "expected a handle or a tag slug" }),
  active: z.boolean({ error: "expected true or false" }),
});

type Ctx = { request: { body?: { data?: unknown } }; state: { user?: { id: number } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /follows {targetType, target, active} — follow or unfollow an author or a tag; repeating changes nothing. */
  async set(ctx: Ctx) {
    const input = parse(setBody, ctx.request.body?.data);
    const profile = await currentProfile(strapi, ctx);
    const target =
      input.targetType === "author"
        ? await strapi.documents("api::profile.profile").findFirst({ filters: { handle: input.target } })
        : await strapi.documents("api::tag.tag").findFirst({ filters: { slug: input.target } });
    if (!target) throw new errors.NotFoundError(`No ${input.targetType} "${input.target}".`);
    if (input.targetType === "author" && target.id === profile.id)
      throw new errors.ValidationError("target: you cannot follow yourself", {
        errors: [{ path: ["target"], message: "you cannot follow yourself", name: "ValidationError" }],
      });
    const key = `${profile.id}:${input.targetType}:${target.id}`;
    await strapi.db.transaction(async ({ trx }) => {
      await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`follow:${key}`]);
      const existing = await strapi.documents(FOLLOW).findFirst({ filters: { key } });
      if (input.active && !existing) {
        await strapi.documents(FOLLOW).create({
          data: {
            key,
            follower: profile.documentId,
            targetType: input.targetType,
            [input.targetType]: target.documentId,
          },
        } as never);
        if (input.targetType === "author")
          await notify(strapi, {
            recipientId: target.id,
            actorId: profile.id,
            kind: "new_follower",
            message: profile.displayName,
          });
      }
      if (!input.active && existing) await strapi.documents(FOLLOW).delete({ documentId: existing.documentId });
    });
    ctx.body = { data: { targetType: input.targetType, target: input.target, active: input.active } };
  },

  /** GET /follows/mine — the authors (handles) and tags (slugs) the member follows. */
  async mine(ctx: Ctx) {
    const profile = await currentProfile(strapi, ctx);
    const rows = await strapi
      .documents(FOLLOW)
      .findMany({ filters: { follower: { id: profile.id } }, populate: { author: true, tag: true }, limit: 1000 });
    ctx.body = {
      data: {
        authors: rows
          .filter((r) => r.author)
          .map((r) => ({ handle: r.author.handle, displayName: r.author.displayName })),
        tags: rows.filter((r) => r.tag).map((r) => ({ slug: r.tag.slug, name: r.tag.name })),
      },
    };
  },
});
