import type { APIRoute } from "astro";
import { endSession } from "../../../lib/auth/session.ts";
import { badBody, done, localeOfNext, readForm, safeNext } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

/** POST /api/auth/signout — forgets the session (a POST, so no link or image on another site can sign anyone out). */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), "/zh-CN/");
  endSession(context.cookies);
  context.locals.session = null;
  return done(context, { next, message: t(localeOfNext(next)).auth.signedOut });
};
