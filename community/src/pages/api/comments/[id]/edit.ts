import type { APIRoute } from "astro";
import { editComment } from "../../../../lib/cms/member.ts";
import {
  badBody,
  clientIp,
  cmsFailed,
  done,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  signInFirst,
  tooMany,
} from "../../../../lib/endpoint.ts";
import { t } from "../../../../lib/i18n/index.ts";
import { limit } from "../../../../lib/security/limits.ts";

/** POST /api/comments/:id/edit {body, next} — the author edits their own comment (forms cannot send PUT). */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), "/zh-CN/");
  const locale = localeOfNext(next);
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  const verdict = limit("comment", clientIp(context), session.userId);
  if (!verdict.ok) return tooMany(context, verdict, locale);
  const id = context.params.id ?? "";
  const body = form.get("body");
  const back = { next, form: `edit-${id}`, values: { body } };
  if (!/^[a-z0-9]{10,40}$/.test(id)) return failed(context, 404, "not_found", "No such comment.", back);
  if (!body.trim())
    return failed(context, 400, "invalid", t(locale).auth.errors.required, {
      ...back,
      fields: { body: t(locale).auth.errors.required },
    });
  try {
    const comment = await editComment(session.jwt, id, body);
    return done(context, { next, message: t(locale).comments.saved, data: comment });
  } catch (error) {
    return cmsFailed(context, error, back);
  }
};
