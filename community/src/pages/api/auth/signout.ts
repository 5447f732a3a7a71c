import type { APIRoute } from "astro";
import { endSession } from "../../../lib/auth/session.ts";
import { badBody, done, failed, localeOfNext, readForm, safeNext } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";
import { failedWith } from "../../../lib/request-context.ts";

/**
 * POST /api/auth/signout — ends the session in the store (a copy of the cookie stops working on its next request)
 * and forgets the cookie. A POST, so no link or image on another site can sign anyone out.
 */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form, "/zh-CN/");
  const next = safeNext(form.get("next"), "/zh-CN/");
  const s = t(localeOfNext(next)).auth;
  const session = context.locals.session;
  context.locals.session = null;
  try {
    await endSession(context.cookies, session);
  } catch (error) {
    // The cookie is gone, but the record is not: say so, so the member can end it from another sign-in.
    failedWith(error);
    return failed(context, 503, "signout_incomplete", s.signOutIncomplete, { next });
  }
  return done(context, { next, message: s.signedOut });
};
