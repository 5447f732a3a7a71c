import type { APIRoute } from "astro";
import { z } from "zod";
import { startSession } from "../../../lib/auth/session.ts";
import { CmsError } from "../../../lib/cms/errors.ts";
import { myProfile, signUp } from "../../../lib/cms/member.ts";
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

/** POST /api/auth/signup {username, email, password} — creates the account, signs in, and goes home. */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/");
  const next = safeNext(form.get("next"), "/zh-CN/");
  const locale = localeOfNext(next);
  const s = t(locale).auth;
  const back = paths.signUp(locale);
  const verdict = await limit("signUp", clientIp(context));
  if (!verdict.ok) return tooMany(context, verdict, locale);

  const schema = z.object({
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{3,30}$/, { error: s.errors.username }),
    email: z.email({ error: s.errors.email }).max(200, { error: s.errors.email }),
    password: z.string().min(8, { error: s.errors.password }).max(200, { error: s.errors.password }),
  });
  const input = { username: form.get("username"), email: form.get("email").trim(), password: form.get("password") };
  const values = { username: input.username, email: input.email };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    return failed(context, 400, "invalid", t(locale).write.errors.fix, { next: back, form: "signup", fields, values });
  }
  try {
    // The verification mail is written in the language of the page the member signed up on.
    const { jwt, user } = await signUp({ ...parsed.data, locale }, clientIp(context));
    const profile = await myProfile(jwt);
    await startSession(
      context.cookies,
      { jwt, userId: user.documentId, handle: profile.handle },
      { userAgent: context.request.headers.get("user-agent"), address: clientIp(context) },
    );
    return done(context, { next, message: s.signedUp(profile.displayName), data: { handle: profile.handle } });
  } catch (error) {
    if (error instanceof CmsError && error.status === 400 && /taken/i.test(error.message))
      return failed(context, 400, "taken", s.errors.taken, {
        next: back,
        form: "signup",
        fields: { username: s.errors.taken },
        values,
      });
    return cmsFailed(context, error, { next: back, form: "signup", values });
  }
};
