import type { APIRoute } from "astro";
import { refusalCode, resendVerification } from "../../../lib/cms/account.ts";
import { cmsFailed, done, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

/**
 * POST /api/account/verification {next} — mails the signed-in member a new link to confirm their address (those sent
 * before stop working), in the language of the page they asked from. Limited here per address and member; the CMS
 * allows three an hour per account and says when to try again.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "verification");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const a = t(locale).account;
  try {
    await resendVerification(session.jwt, locale);
    return done(context, { next, message: a.resent, data: { sent: true } });
  } catch (error) {
    if (refusalCode(error) === "already_verified")
      return done(context, { next, message: a.alreadyVerified, data: { sent: false, verified: true } });
    return cmsFailed(context, error, { next });
  }
};
