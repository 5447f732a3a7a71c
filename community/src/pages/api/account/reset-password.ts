import type { APIRoute } from "astro";
import { checkNewPassword, openLinkForm } from "../../../lib/account.ts";
import { dropSessionCookie, sessionsEnded } from "../../../lib/auth/session.ts";
import { confirmPasswordReset, LINK_TOKEN, linkStatusOf } from "../../../lib/cms/account.ts";
import { clientIp, cmsFailed, done, failed } from "../../../lib/endpoint.ts";
import { paths } from "../../../lib/i18n/index.ts";

/**
 * POST /api/account/reset-password {token, password, repeat, next} — sets a new password with a mailed link. The CMS
 * ends every session of the member; every replica is told, and the visitor goes to sign in with the new password. A
 * link that no longer works sends them back to its page, which says why and offers a new one.
 */
export const POST: APIRoute = async (context) => {
  const opened = await openLinkForm(context, "reset-password");
  if (opened instanceof Response) return opened;
  const { locale, a, token, form } = opened;
  const page = paths.resetPassword(locale, LINK_TOKEN.test(token) ? token : undefined);
  if (!LINK_TOKEN.test(token)) return failed(context, 400, "link_invalid", a.resetNotDone, { next: page });
  const password = checkNewPassword(form, locale);
  if (!password.ok)
    return failed(context, 400, "invalid", a.errors.fix, { next: page, form: "reset", fields: password.fields });
  try {
    const { userId } = await confirmPasswordReset(token, password.value, clientIp(context));
    await sessionsEnded(userId);
    if (context.locals.session?.userId === userId) {
      dropSessionCookie(context.cookies);
      context.locals.session = null;
    }
    return done(context, { next: paths.signIn(locale), message: a.resetDone, data: { userId } });
  } catch (error) {
    const status = linkStatusOf(error);
    // The page checks the link again and says what became of it.
    if (status) return failed(context, 400, `link_${status}`, a.resetNotDone, { next: page });
    return cmsFailed(context, error, { next: page, form: "reset" });
  }
};
