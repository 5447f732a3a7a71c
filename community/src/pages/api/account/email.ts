import type { APIRoute } from "astro";
import { accountFailed, checkEmail } from "../../../lib/account.ts";
import { requestEmailChange } from "../../../lib/cms/account.ts";
import { done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

/**
 * POST /api/account/email {email, currentPassword, next} — asks to change the member's address: the CMS mails the new
 * address a link (the change happens when it is opened) and the old one a notice.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings", "accountPassword");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const a = t(locale).account;
  const typed = form.get("email");
  const back = { next: `${next.split("#")[0]}#email`, form: "email", values: { email: typed } };
  const email = checkEmail(typed, locale);
  const currentPassword = form.get("currentPassword");
  const fields = { ...(email.ok ? {} : email.fields) };
  if (!currentPassword) fields.currentPassword = t(locale).auth.errors.required;
  if (!email.ok || !currentPassword) return failed(context, 400, "invalid", a.errors.fix, { ...back, fields });
  try {
    await requestEmailChange(session.jwt, {
      email: email.value,
      currentPassword: currentPassword.slice(0, 200),
      locale,
    });
    return done(context, { next: back.next, message: a.emailSent(email.value), data: { sent: true } });
  } catch (error) {
    return accountFailed(context, error, { ...back, locale });
  }
};
