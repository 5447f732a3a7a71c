import { factories } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { currentProfile } from "../../../lib/members.ts";
import { removeAvatar, setAvatar } from "../../../lib/uploads/avatars.ts";
import type { IncomingFile } from "../../../lib/uploads/gate.ts";
import { publicImage } from "../../../lib/uploads/public-image.ts";
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

type Ctx = {
  request: { body?: { data?: unknown }; files?: Record<string, IncomingFile | IncomingFile[] | undefined> };
  state: { user?: { id: number } };
  body: unknown;
};

const avatarError = (message: string) =>
  new errors.ValidationError(`avatar: ${message}`, {
    errors: [{ path: ["avatar"], message, name: "ValidationError" }],
  });

/** The one image of an avatar upload: a multipart body with a single file in `avatar` and nothing else. */
function avatarFile(ctx: Ctx): IncomingFile {
  const files = ctx.request.files ?? {};
  const fields = Object.keys(ctx.request.body ?? {});
  const others = [...Object.keys(files).filter((name) => name !== "avatar"), ...fields];
  if (others.length)
    throw avatarError(`send the image alone, in "avatar" (also sent: ${others.slice(0, 5).join(", ")})`);
  const file = files.avatar;
  if (!file) throw avatarError('attach an image (multipart/form-data, field "avatar")');
  if (Array.isArray(file)) throw avatarError("attach one image, not several");
  return file;
}

const PROFILE = "api::profile.profile";

export default factories.createCoreController(PROFILE, ({ strapi }) => {
  /** The member's own profile as every /profiles/me route answers it: links, and the avatar's public fields. */
  const own = async (documentId: string) => {
    const profile = await strapi.documents(PROFILE).findOne({ documentId, populate: ["links", "avatar"] });
    return profile && { ...profile, avatar: publicImage(profile.avatar as never) };
  };

  return {
    /** GET /profiles/me */
    async me(ctx: Ctx) {
      const profile = await currentProfile(strapi, ctx);
      ctx.body = { data: await own(profile.documentId) };
    },

    /** POST /profiles/me/avatar — the member's new avatar, checked, made square and stored with its sizes. */
    async setAvatar(ctx: Ctx) {
      const profile = await currentProfile(strapi, ctx);
      await setAvatar(strapi, profile, avatarFile(ctx));
      ctx.body = { data: await own(profile.documentId) };
    },

    /** DELETE /profiles/me/avatar — no avatar any more; its files are deleted. */
    async removeAvatar(ctx: Ctx) {
      const profile = await currentProfile(strapi, ctx);
      await removeAvatar(strapi, profile);
      ctx.body = { data: await own(profile.documentId) };
    },

    /** PUT /profiles/me — display name, bio and links; the handle stays (it is in every URL of theirs). */
    async updateMe(ctx: Ctx) {
      const input = parse(updateBody, ctx.request.body?.data);
      const profile = await currentProfile(strapi, ctx);
      await strapi.documents(PROFILE).update({ documentId: profile.documentId, data: input as never });
      ctx.body = { data: await own(profile.documentId) };
    },
  };
});
