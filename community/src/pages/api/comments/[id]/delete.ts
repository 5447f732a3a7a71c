import type { APIRoute } from "astro";
import { deleteComment } from "../../../../lib/cms/member.ts";
import {
  badBody,
  cmsFailed,
  done,
  failed,
  localeOfNext,
  readForm,
  safeNext,
  signInFirst,
} from "../../../../lib/endpoint.ts";
import { t } from "../../../../lib/i18n/index.ts";

/** POST /api/comments/:id/delete {next} — the author deletes their own comment; its replies stay. */
export const POST: APIRoute = async (context) => {
  const form = await readForm(context.request);
  if (!("get" in form)) return badBody(context, form);
  const next = safeNext(form.get("next"), "/zh-CN/");
  const session = context.locals.session;
  if (!session) return signInFirst(context, next);
  const id = context.params.id ?? "";
  if (!/^[a-z0-9]{10,40}$/.test(id)) return failed(context, 404, "not_found", "No such comment.", { next });
  try {
    await deleteComment(session.jwt, id);
    return done(context, {
      next: `${next.split("#")[0]}#comments-heading`,
      message: t(localeOfNext(next)).comments.removed,
    });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
