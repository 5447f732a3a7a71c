import type { APIRoute } from "astro";
import { dropSessionCookie, endSessionsOf } from "../../../lib/auth/session.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { paths, t } from "../../../lib/i18n/index.ts";

/**
 * POST /api/auth/signout-everywhere {scope: all|others, next} — ends every session of the signed-in member (`all`,
 * this one included) or every other one (`others`), each copy of those cookies with it.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const scope = form.get("scope");
  const s = t(locale).auth;
  if (scope !== "all" && scope !== "others")
    return failed(context, 400, "invalid", "Expected scope: all (every session) or others (all but this one).", {
      next,
    });
  try {
    const ended = await endSessionsOf(session.userId, scope === "others" ? session.tokenHash : undefined);
    if (scope === "others") return done(context, { next, message: s.signedOutOthers(ended), data: { ended } });
    dropSessionCookie(context.cookies);
    context.locals.session = null;
    // Not back to `next`: a personal page would only send the signed-out member to sign in, losing the message.
    return done(context, { next: paths.home(locale), message: s.signedOutEverywhere, data: { ended } });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
