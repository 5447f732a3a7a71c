import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { threadChanged } from "../../../../lib/changes.ts";
import { editComment } from "../../../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { asLocale, t } from "../../../../lib/i18n/index.ts";

/** POST /api/comments/:id/edit {body, next} — the author edits their own comment (forms cannot send PUT). */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "comment");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const id = context.params.id ?? "";
  const body = form.get("body");
  const back = { next, form: `edit-${id}`, values: { body } };
  if (!isDocumentId(id)) return failed(context, 404, "not_found", "No such comment.", back);
  if (!body.trim())
    return failed(context, 400, "invalid", t(locale).auth.errors.required, {
      ...back,
      fields: { body: t(locale).auth.errors.required },
    });
  try {
    const comment = await editComment(session.jwt, id, body);
    await threadChanged(comment.article ?? "", asLocale(comment.locale));
    return done(context, { next, message: t(locale).comments.saved, data: comment });
  } catch (error) {
    return cmsFailed(context, error, back);
  }
};
