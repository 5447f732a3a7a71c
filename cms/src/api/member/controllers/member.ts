import type { Core } from "@strapi/strapi";
import { env } from "../../../env.ts";
import { maskEmail } from "../../../lib/mail/render.ts";
import { memberState } from "../../../lib/member-state.ts";
import { currentProfile } from "../../../lib/members.ts";

type Ctx = { state: { user?: { id: number; email?: string; confirmed?: boolean | null } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * GET /members/me/state — the member's likes, bookmarks, follows and unread count, whether their address is
   * confirmed (and whether that is required), for the community to keep per
   * session. Takes no parameters: whatever the query says (status, populate, filters…) is not read, so it cannot
   * widen the answer or reach anyone else's rows.
   */
  async state(ctx: Ctx) {
    const profile = await currentProfile(strapi, ctx);
    const state = await memberState(strapi.db.connection, profile.id);
    ctx.body = {
      data: {
        ...state,
        emailVerified: ctx.state.user?.confirmed === true,
        // Masked, for the banner asking an unconfirmed member to open the link: "we sent it to a***@example.org".
        ...(ctx.state.user?.confirmed !== true && ctx.state.user?.email
          ? { email: maskEmail(ctx.state.user.email) }
          : {}),
        verificationRequired: env().MEMBER_EMAIL_VERIFICATION === "required",
      },
    };
  },
});
