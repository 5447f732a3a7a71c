import type { APIRoute } from "astro";
import {
  MAIL_CATEGORIES,
  MAIL_FREQUENCIES,
  type MailFrequency,
  setMyMailPreferences,
} from "../../../lib/cms/account.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

const isFrequency = (value: string): value is MailFrequency => (MAIL_FREQUENCIES as readonly string[]).includes(value);

/**
 * POST /api/account/mail-preferences {replies, follows, reviews, runs, next} — how often each kind of e-mail goes
 * out (immediate, daily, never); the language of the mail becomes the page's. A kind left out is left as it was.
 */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/settings");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const a = t(locale).account;
  const back = { next: `${next.split("#")[0]}#mail`, form: "mail" };
  const data: Partial<Record<(typeof MAIL_CATEGORIES)[number], MailFrequency>> = {};
  const fields: Record<string, string> = {};
  for (const category of MAIL_CATEGORIES) {
    const value = form.get(category);
    if (!value) continue;
    if (isFrequency(value)) data[category] = value;
    else fields[category] = a.errors.frequency;
  }
  if (Object.keys(fields).length) return failed(context, 400, "invalid", a.errors.fix, { ...back, fields });
  try {
    const saved = await setMyMailPreferences(session.jwt, { ...data, locale });
    return done(context, { next: back.next, message: a.mailSaved, data: saved });
  } catch (error) {
    return cmsFailed(context, error, back);
  }
};
