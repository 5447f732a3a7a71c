import type { APIRoute } from "astro";
import { reportComment } from "../../../../lib/cms/member.ts";
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

/** POST /api/comments/:id/report {next} — flags a comment for editors. */
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
  if (!/^[a-z0-9]{10,40}$/.test(id)) return failed(context, 404, "not_found", "No such comment.", { next });
  try {
    await reportComment(session.jwt, id);
    return done(context, { next, message: t(locale).comments.reported });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
