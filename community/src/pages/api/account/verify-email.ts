import type { APIRoute } from "astro";
import { confirmVerification, LINK_TOKEN, linkStatusOf } from "../../../lib/cms/account.ts";
import {
  badBody,
  clientIp,
  cmsFailed,
  done,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  tooMany,
} from "../../../lib/endpoint.ts";
import { paths, t } from "../../../lib/i18n/index.ts";
import { limit } from "../../../lib/security/limits.ts";
import { announce } from "../../../lib/store/replica.ts";

/**
 * POST /api/account/verify-email {token, next} — confirms the member's address with the mailed link (opening the
 * link only shows a button: a mail scanner following it confirms nothing). Every replica forgets the member's state,
 * so the banner asking them to confirm goes at once. A link that no longer works goes back to its page, which says why.
 */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/verify-email");
  const locale = localeOfNext(safeNext(form.get("next"), "/zh-CN/verify-email"));
  const a = t(locale).account;
  const token = form.get("token");
  const page = paths.verifyEmail(locale, LINK_TOKEN.test(token) ? token : undefined);
  const verdict = await limit("link", clientIp(context));
  if (!verdict.ok) return tooMany(context, verdict, locale);
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
