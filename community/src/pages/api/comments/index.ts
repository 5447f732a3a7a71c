import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { threadChanged } from "../../../lib/changes.ts";
import { postComment } from "../../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../lib/endpoint.ts";
import { asLocale, t } from "../../../lib/i18n/index.ts";

/** POST /api/comments {article, locale, body, parent?, next} — a comment or a reply, as the signed-in member. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "comment");
  if (opened instanceof Response) return opened;
  const { form, next, locale: uiLocale, session } = opened;

  const article = form.get("article");
  const parent = form.get("parent") || undefined;
  const locale = asLocale(form.get("locale")) ?? uiLocale;
  const body = form.get("body");
  const formId = parent ? `reply-${parent}` : "comment";
  const back = { next, form: formId, values: { body } };
  const s = t(uiLocale).comments;
  if (!isDocumentId(article) || (parent && !isDocumentId(parent)))
    return failed(context, 400, "invalid", "That comment is not attached to a known article.", back);
  if (!body.trim())
    return failed(context, 400, "invalid", s.write, { ...back, fields: { body: t(uiLocale).auth.errors.required } });
  try {
    const comment = await postComment(session.jwt, { article, locale, body, parent });
    await threadChanged(article, locale);
    return done(context, { next: `${next.split("#")[0]}#comment-${comment.id}`, message: s.posted, data: comment });
  } catch (error) {
    return cmsFailed(context, error, back);
  }
};
