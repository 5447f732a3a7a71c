import type { Locale } from "@inkstone/config";
import type { APIContext } from "astro";
import { z } from "zod";
import { refusalCode } from "./cms/account.ts";
import { CmsError } from "./cms/errors.ts";
import {
  type Back,
  badBody,
  clientIp,
  cmsFailed,
  type Form,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  tooMany,
} from "./endpoint.ts";
import { t } from "./i18n/index.ts";
import { limit } from "./security/limits.ts";

/** What the account's form endpoints share: checking a new password or address, and saying why the CMS refused. */

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;
export const EMAIL_MAX = 200;

export type Checked<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/** The new password typed twice (`password`, `repeat`), or what is wrong with it, per field. */
export function checkNewPassword(form: Form, locale: Locale): Checked<string> {
  const e = t(locale).account.errors;
  const password = form.get("password");
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    return { ok: false, fields: { password: e.password } };
  if (form.get("repeat") !== password) return { ok: false, fields: { repeat: e.passwordsDiffer } };
  return { ok: true, value: password };
}

/** An e-mail address as the sign-up form takes it: trimmed, at most 200 characters. */
export function checkEmail(value: string, locale: Locale): Checked<string> {
  const email = value.trim();
  const parsed = z.email().max(EMAIL_MAX).safeParse(email);
  return parsed.success ? { ok: true, value: email } : { ok: false, fields: { email: t(locale).account.errors.email } };
}

/**
 * The CMS's refusal of an account change, said in the member's language beside the field it is about: a wrong
 * current password, an address taken or unchanged, a new password it would not take. Anything else (an outage, a
 * session it no longer honours, its own rate limit) as every member form says it.
 */
export function accountFailed(
  context: APIContext,
  error: unknown,
  back: Back & { locale: Locale; passwordField?: string },
): Promise<Response> | Response {
  const e = t(back.locale).account.errors;
  const { locale: _locale, passwordField = "currentPassword", ...to } = back;
  const refuse = (code: string, field: string, message: string) =>
    failed(context, 400, code, message, { ...to, fields: { [field]: message } });
  switch (refusalCode(error)) {
    case "wrong_password":
      return refuse("wrong_password", passwordField, e.wrongPassword);
    case "email_taken":
      return refuse("email_taken", "email", e.emailTaken);
    case "same_email":
      return refuse("same_email", "email", e.sameEmail);
  }
  // A validation error the community's own checks should have caught first: still said beside its field.
  if (error instanceof CmsError && error.status === 400 && Object.keys(error.fields).length) {
    const fields: Record<string, string> = {};
    for (const [path, message] of Object.entries(error.fields)) {
      // `data.password` or `password`: the form's field is the last part.
      const field = path.split(".").at(-1) ?? path;
      fields[field] = field === "password" ? e.password : field === "email" ? e.email : message;
    }
    return failed(context, 400, "invalid", e.fix, { ...to, fields });
  }
  return cmsFailed(context, error, to);
}

/** What a form that uses a mailed link starts with: its fields, the page's language, and the link's token. */
export type LinkForm = { form: Form; locale: Locale; a: ReturnType<typeof t>["account"]; token: string };

/**
 * The opening every form posted from a link's page shares: the body read, the language taken from `next` (falling
 * back to the zh-CN `page`), and the per-address limit on link attempts. A Response when it ends there.
 */
export async function openLinkForm(context: APIContext, page: string): Promise<LinkForm | Response> {
  const fallback = `/zh-CN/${page}`;
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, fallback);
  const locale = localeOfNext(safeNext(form.get("next"), fallback));
  const verdict = await limit("link", clientIp(context));
  if (!verdict.ok) return tooMany(context, verdict, locale);
  return { form, locale, a: t(locale).account, token: form.get("token") };
}
