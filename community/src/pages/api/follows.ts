import type { APIRoute } from "astro";
import { setFollow } from "../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../lib/endpoint.ts";
import { t } from "../../lib/i18n/index.ts";

/** POST /api/follows {targetType: author|tag, target: handle|slug, active, next} — follow or unfollow. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "reaction");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const targetType = form.get("targetType");
  const target = form.get("target");
  const active = form.get("active");
  if ((targetType !== "author" && targetType !== "tag") || !target || !["true", "false"].includes(active))
    return failed(
      context,
      400,
      "invalid",
      "Expected a targetType (author or tag), a target and active (true or false).",
      { next },
    );
  try {
    const result = await setFollow(session.jwt, { targetType, target, active: active === "true" });
    const said = t(locale).article.done;
    return done(context, { next, message: active === "true" ? said.follow : said.unfollow, data: result });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
