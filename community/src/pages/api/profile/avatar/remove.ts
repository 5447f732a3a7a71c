import type { APIRoute } from "astro";
import { authorChanged } from "../../../../lib/changes.ts";
import { removeMyAvatar } from "../../../../lib/cms/member.ts";
import { cmsFailed, done, memberRequest } from "../../../../lib/endpoint.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";

/** POST /api/profile/avatar/remove {next} — the member has no avatar any more; pages show their initial. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, paths.settings("zh-CN"), "avatar");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  try {
    const profile = await removeMyAvatar(session.jwt);
    await authorChanged(profile.handle);
    return done(context, { next, message: t(locale).settingsPage.avatarRemoved, data: profile });
  } catch (error) {
    return cmsFailed(context, error, { next, form: "avatar" });
  }
};
