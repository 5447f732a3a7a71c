import type { APIRoute } from "astro";
import { startSession } from "../../../lib/auth/session.ts";
import { CmsError } from "../../../lib/cms/errors.ts";
import { myProfile, signIn } from "../../../lib/cms/member.ts";
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

/** Strapi's answer to a blocked member's correct password (400): "Your account has been blocked by an administrator". */
const BLOCKED = /blocked/i;

/**
 * POST /api/auth/signin {identifier, password, next} — signs in and returns to `next`. Limited here per address; the
 * CMS slows failed attempts per (account, address) and answers 429 with Retry-After, passed on as ours.
 */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/");
  const next = safeNext(form.get("next"), "/zh-CN/");
  const locale = localeOfNext(next);
  const s = t(locale).auth;
  const identifier = form.get("identifier").trim();
  const password = form.get("password");
  const back = paths.signIn(locale, next);
  const verdict = await limit("signIn", clientIp(context));
  if (!verdict.ok) return tooMany(context, verdict, locale);

  const fields: Record<string, string> = {};
  if (!identifier) fields.identifier = s.errors.required;
  if (!password) fields.password = s.errors.required;
  if (Object.keys(fields).length)
    return failed(context, 400, "invalid", s.errors.required, {
      next: back,
      form: "signin",
      fields,
      values: { identifier },
    });
  try {
    const { jwt, user } = await signIn(
      { identifier: identifier.slice(0, 200), password: password.slice(0, 200) },
      clientIp(context),
    );
    const profile = await myProfile(jwt);
    await startSession(
      context.cookies,
      { jwt, userId: user.documentId, handle: profile.handle },
      { userAgent: context.request.headers.get("user-agent"), address: clientIp(context) },
    );
    return done(context, { next, message: s.signedIn(profile.displayName), data: { handle: profile.handle } });
  } catch (error) {
    const wrong = error instanceof CmsError && (error.status === 400 || error.status === 401);
    if (wrong && BLOCKED.test(error.message))
      return failed(context, 403, "account_blocked", s.errors.blocked, {
        next: back,
        form: "signin",
        values: { identifier },
      });
    // Strapi says "Invalid identifier or password" (400) for both unknown accounts and wrong passwords.
    if (wrong)
      return failed(context, 401, "invalid_credentials", s.errors.credentials, {
        next: back,
        form: "signin",
        values: { identifier },
      });
    return cmsFailed(context, error, { next: back, form: "signin", values: { identifier } });
  }
};
