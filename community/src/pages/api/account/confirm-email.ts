import type { APIRoute } from "astro";
import { openLinkForm } from "../../../lib/account.ts";
import { confirmEmailChange, LINK_TOKEN, linkStatusOf, refusalCode } from "../../../lib/cms/account.ts";
import { clientIp, cmsFailed, done, failed } from "../../../lib/endpoint.ts";
import { paths } from "../../../lib/i18n/index.ts";
import { announce } from "../../../lib/store/replica.ts";

/**
 * POST /api/account/confirm-email {token, next} — makes the new address the member's with the link mailed to it (the
 * CMS tells the old address). A link that no longer works goes back to its page, which says why; an address someone
 * else took meanwhile is said as such.
 */
export const POST: APIRoute = async (context) => {
  const opened = await openLinkForm(context, "confirm-email");
  if (opened instanceof Response) return opened;
  const { locale, a, token } = opened;
  const page = paths.confirmEmail(locale, LINK_TOKEN.test(token) ? token : undefined);
  if (!LINK_TOKEN.test(token)) return failed(context, 400, "link_invalid", a.emailNotChanged, { next: page });
  try {
    const { userId, email } = await confirmEmailChange(token, clientIp(context));
    await announce({ kind: "member", userId });
    const next = context.locals.session ? paths.settings(locale) : paths.signIn(locale);
    return done(context, { next, message: a.emailChanged(email), data: { userId, email } });
  } catch (error) {
    const status = linkStatusOf(error);
    if (status) return failed(context, 400, `link_${status}`, a.emailNotChanged, { next: page });
    if (refusalCode(error) === "email_taken")
      return failed(context, 409, "email_taken", a.errors.emailTakenSince, { next: paths.settings(locale) });
    return cmsFailed(context, error, { next: page });
  }
};
