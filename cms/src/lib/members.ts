import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";

const PROFILE = "api::profile.profile";

export type Profile = { id: number; documentId: string; handle: string; displayName: string };

type Ctx = { state: { user?: { id: number } } };

/** The signed-in member's profile; 401 when nobody is signed in, 403 when the account has no profile. */
export async function currentProfile(strapi: Core.Strapi, ctx: Ctx): Promise<Profile> {
  const user = ctx.state.user;
  if (!user) throw new errors.UnauthorizedError("Sign in first.");
  const profile = await profileOf(strapi, user.id);
  if (!profile) throw new errors.ForbiddenError("This account has no member profile.");
  return profile;
}

/** The profile of the users-permissions user `userId`, if it has one. */
async function profileOf(strapi: Core.Strapi, userId: number): Promise<Profile | null> {
  return (await strapi.documents(PROFILE).findFirst({ filters: { user: { id: userId } } })) as Profile | null;
}

/** A handle from a username: lowercase letters, digits, - and _; made unique with a number when taken. */
export async function freeHandle(strapi: Core.Strapi, username: string): Promise<string> {
  const base =
    username
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 32) || "member";
  const padded = base.length < 2 ? `${base}-member` : base;
  for (let n = 0; ; n++) {
    const handle = n === 0 ? padded : `${padded}-${n + 1}`;
    if (!(await strapi.documents(PROFILE).findFirst({ filters: { handle } }))) return handle;
  }
}

/** Every new member gets a profile, whichever way the account was created (sign-up, admin, seed). */
export function createProfilesForNewMembers(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: ["plugin::users-permissions.user"],
    async afterCreate(event) {
      const user = event.result as { id: number; username: string };
      if (await profileOf(strapi, user.id)) return;
      await strapi.documents(PROFILE).create({
        data: {
          displayName: user.username.slice(0, 80),
          handle: await freeHandle(strapi, user.username),
          user: user.id,
        },
      });
    },
  });
}
