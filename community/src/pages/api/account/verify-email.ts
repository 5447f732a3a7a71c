import type { APIRoute } from "astro";
import { openLinkForm } from "../../../lib/account.ts";
import { confirmVerification, LINK_TOKEN, linkStatusOf } from "../../../lib/cms/account.ts";
import { clientIp, cmsFailed, done, failed } from "../../../lib/endpoint.ts";
import { paths } from "../../../lib/i18n/index.ts";
import { announce } from "../../../lib/store/replica.ts";

/**
 * POST /api/account/verify-email {token, next} — confirms the member's address with the mailed link (opening the
 * link only shows a button: a mail scanner following it confirms nothing). Every replica forgets the member's state,
 * so the banner asking them to confirm goes at once. A link that no longer works goes back to its page, which says why.
 */
export const POST: APIRoute = async (context) => {
  const opened = await openLinkForm(context, "verify-email");
  if (opened instanceof Response) return opened;
  const { locale, a, token } = opened;
  const page = paths.verifyEmail(locale, LINK_TOKEN.test(token) ? token : undefined);
  if (!LINK_TOKEN.test(token)) return failed(context, 400, "link_invalid", a.verifyNotDone, { next: page });
  try {
    const { userId, email } = await confirmVerification(token, clientIp(context));
    await announce({ kind: "member", userId });
    const next = context.locals.session ? paths.home(locale) : paths.signIn(locale);
    return done(context, { next, message: a.verified, data: { userId, email } });
  } catch (error) {
    const status = linkStatusOf(error);
    if (status) return failed(context, 400, `link_${status}`, a.verifyNotDone, { next: page });
    return cmsFailed(context, error, { next: page });
  }
};
