import type { APIRoute } from "astro";
import { checkEmail } from "../../../lib/account.ts";
import { requestPasswordReset } from "../../../lib/cms/account.ts";
import { CmsError } from "../../../lib/cms/errors.ts";
import {
  badBody,
  clientIp,
  cmsFailed,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  seeOther,
  tooMany,
} from "../../../lib/endpoint.ts";
import { paths, t } from "../../../lib/i18n/index.ts";
import { wantsJson } from "../../../lib/responses.ts";
import { limit } from "../../../lib/security/limits.ts";

/**
 * POST /api/account/forgot-password {email, next} — asks the CMS to mail a link to set a new password. The answer is
 * the same whether or not the address has an account (the CMS answers "sent" for any well-formed address): no
 * message that differs, no cookie, just back to the page in its "check your inbox" state. Limited per address here;
 * the CMS limits the mails per account.
 */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/forgot-password");
  const locale = localeOfNext(safeNext(form.get("next"), "/zh-CN/forgot-password"));
  const page = paths.forgotPassword(locale);
  const verdict = await limit("forgotPassword", clientIp(context));
  if (!verdict.ok) return tooMany(context, verdict, locale);

  const typed = form.get("email");
  const back = { next: page, form: "forgot", values: { email: typed } };
  const email = checkEmail(typed, locale);
  if (!email.ok)
    return failed(context, 400, "invalid", t(locale).account.errors.email, { ...back, fields: email.fields });
  try {
    await requestPasswordReset(email.value, locale, clientIp(context));
  } catch (error) {
    // Only a malformed address is refused, and ours was checked: the CMS's stricter check said no.
    if (error instanceof CmsError && error.status === 400)
      return failed(context, 400, "invalid", t(locale).account.errors.email, {
        ...back,
        fields: { email: t(locale).account.errors.email },
      });
    return cmsFailed(context, error, back);
  }
  if (wantsJson(context.request))
    return Response.json({ data: { sent: true } }, { status: 202, headers: { "cache-control": "private, no-store" } });
  return seeOther(`${page}?sent=1`);
};
