import type { APIRoute } from "astro";
import { accountFailed, checkNewPassword } from "../../../lib/account.ts";
import { sessionsEnded } from "../../../lib/auth/session.ts";
import { changePassword } from "../../../lib/cms/account.ts";
import { done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

/**
 * POST /api/account/password {currentPassword, password, repeat, next} — a new password, given the current one. The
 * CMS ends every other session of the member in the same transaction (this one stays); every replica is told, so a
 * copy of another session's cookie stops working on its next request.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings", "accountPassword");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const a = t(locale).account;
  const back = { next: `${next.split("#")[0]}#password`, form: "password" };
  const currentPassword = form.get("currentPassword");
  const password = checkNewPassword(form, locale);
  const fields = { ...(password.ok ? {} : password.fields) };
  if (!currentPassword) fields.currentPassword = t(locale).auth.errors.required;
  if (!password.ok || !currentPassword) return failed(context, 400, "invalid", a.errors.fix, { ...back, fields });
  try {
    const { ended } = await changePassword(session.jwt, {
      currentPassword: currentPassword.slice(0, 200),
      password: password.value,
      keepSession: session.tokenHash,
    });
    await sessionsEnded(session.userId);
    return done(context, { next: back.next, message: a.passwordChanged(ended), data: { ended } });
  } catch (error) {
    return accountFailed(context, error, { ...back, locale });
  }
};
