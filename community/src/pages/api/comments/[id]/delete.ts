import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { threadChanged } from "../../../../lib/changes.ts";
import { deleteComment } from "../../../../lib/cms/member.ts";
import { cmsFailed, done, failed, localeOfNext, memberRequest } from "../../../../lib/endpoint.ts";
import { asLocale, t } from "../../../../lib/i18n/index.ts";

/** POST /api/comments/:id/delete {next} — the author deletes their own comment; its replies stay. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/");
  if (opened instanceof Response) return opened;
  const { next, session } = opened;
  const id = context.params.id ?? "";
  if (!isDocumentId(id)) return failed(context, 404, "not_found", "No such comment.", { next });
  try {
    const deleted = await deleteComment(session.jwt, id);
    await threadChanged(deleted.article ?? "", asLocale(deleted.locale));
    return done(context, {
      next: `${next.split("#")[0]}#comments-heading`,
      message: t(localeOfNext(next)).comments.removed,
    });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
