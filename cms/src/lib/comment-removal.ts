import type { Core } from "@strapi/strapi";
import { dropCommentNotifications } from "./notify.ts";

const COMMENT = "api::comment.comment";

type Params = { documentId?: string; data?: { visibility?: unknown } };

/**
 * A comment that is gone takes its notifications with it ("X replied to you" leads nowhere once the reply is
 * deleted): whether its author deletes it (visibility "deleted"), or an editor deletes it or marks it deleted in the
 * admin, in the same transaction as the change. Account deletion removes comments in SQL and drops their
 * notifications itself (accounts/delete.ts).
 */
export function dropNotificationsOfRemovedComments(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== COMMENT) return next();
    const { documentId, data } = context.params as Params;
    const removing = context.action === "delete" || (context.action === "update" && data?.visibility === "deleted");
    if (!removing || !documentId) return next();
    return strapi.db.transaction(async () => {
      const rows = (await strapi.db.query(COMMENT).findMany({ where: { documentId }, select: ["id"] })) as {
        id: number;
      }[];
      const result = await next();
      await dropCommentNotifications(
        strapi,
        rows.map((row) => row.id),
      );
      return result;
    });
  });
}
