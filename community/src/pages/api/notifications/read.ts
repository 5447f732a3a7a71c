import { isDocumentId } from "@inkstone/config";
import type { APIRoute } from "astro";
import { markNotificationsRead } from "../../../lib/cms/member.ts";
import { cmsFailed, done, failed, localeOfNext, memberRequest } from "../../../lib/endpoint.ts";
import { t } from "../../../lib/i18n/index.ts";

/** POST /api/notifications/read {ids: [...]} | {all: true} — marks the member's own notifications read. */
export const POST: APIRoute = async (context) => {
  const opened = await memberRequest(context, "/zh-CN/notifications");
  if (opened instanceof Response) return opened;
  const { form, next, session } = opened;
  const ids = form.all("ids").filter(isDocumentId).slice(0, 200);
  const all = form.get("all") === "true";
  if (!all && !ids.length) return failed(context, 400, "invalid", "Expected ids or all=true.", { next });
  try {
    const result = await markNotificationsRead(session.jwt, all ? { all: true } : { ids });
    return done(context, { next, message: t(localeOfNext(next)).notificationsPage.allRead, data: result });
  } catch (error) {
    return cmsFailed(context, error, { next });
  }
};
