import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { reportComment } from "../../../../lib/cms/member.ts";
import { cmsFailed, done, failed, memberRequest } from "../../../../lib/endpoint.ts";
import { t } from "../../../../lib/i18n/index.ts";

/** POST /api/comments/:id/report {next} — flags a comment for editors. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/", "comment");
  if (opened instanceof Response) return opened;
  const { next, locale, session } = opened;
  const id = context.params.id ?? "";
  if (!isDocumentId(id)) return failed(context, 404, "not_found", "No such comment.", { next });
  try {
    await reportComment(session.jwt, id);
    return done(context, { next, message: t(locale).comments.reported });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
