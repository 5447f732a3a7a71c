import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { checkTitle } from "../../../../lib/ask/questions.ts";
import { renameConversation } from "../../../../lib/cms/conversations.ts";
import { CmsError } from "../../../../lib/cms/errors.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { paths, t } from "../../../../lib/i18n/index.ts";

/** POST /api/ask/:id/rename {title, next} — the member renames their conversation :id (anyone else's is a 404). */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/ask");
  if (opened instanceof Response) return opened;
  const { form, next, locale, session } = opened;
  const a = t(locale).ask;
  const id = context.params.id ?? "";
  if (!isDocumentId(id)) return failed(context, 404, "not_found", a.notFound, { next: paths.ask(locale) });
  const back = { next, form: `rename-${id}` };
  const title = checkTitle(form, locale);
  if (!title.ok)
    return failed(context, 400, "invalid", title.message, {
      ...back,
      fields: { title: title.message },
      values: { title: form.get("title") },
    });
  try {
    const renamed = await renameConversation(session.jwt, id, title.value);
    return done(context, { next, message: a.renamed, data: renamed });
  } catch (error) {
    if (error instanceof CmsError && error.code === "not_found")
      return failed(context, 404, "not_found", a.notFound, { next: paths.ask(locale) });
    return cmsFailed(context, error, { ...back, values: { title: title.value } });
  }
};
