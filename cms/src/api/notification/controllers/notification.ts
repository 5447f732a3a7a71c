import { documentIdSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { z } from "zod";
import { currentProfile } from "../../../lib/members.ts";
import { parse } from "../../../lib/validate.ts";

const NOTIFICATION = "api::notification.notification";
const mineQuery = z.object({
  unread: z.enum(["true", "false"]).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
const readBody = z.union(
  [
    z.strictObject({
      ids: z.array(documentIdSchema).min(1).max(200),
    }),
    z.strictObject({ all: z.literal(true) }),
  ],
  { error: "expected { ids: [...] } or { all: true }" },
);

type Ctx = { request: { body?: { data?: unknown } }; query: unknown; state: { user?: { id: number } }; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /notifications/mine — newest first, with the unread count for the header badge. */
  async mine(ctx: Ctx) {
    const { unread, page, pageSize } = parse(mineQuery, ctx.query);
    const profile = await currentProfile(strapi, ctx);
    const notifications = strapi.documents(NOTIFICATION);
    const filters = { recipient: { id: profile.id }, ...(unread === "true" ? { read: false } : {}) };
    const [rows, total, unreadCount] = await Promise.all([
      notifications.findMany({
        filters,
        populate: { actor: true },
        sort: "createdAt:desc",
        start: (page - 1) * pageSize,
        limit: pageSize,
      }),
      notifications.count({ filters }),
      notifications.count({ filters: { recipient: { id: profile.id }, read: false } }),
    ]);
    ctx.body = {
      data: rows.map((n) => ({
        id: n.documentId,
        kind: n.kind,
        read: n.read,
        message: n.message,
        // How many events the notification stands for: likes are grouped while unread; every other kind is one.
        count: n.count ?? 1,
        article: n.articleDocumentId,
        locale: n.articleLocale,
        runId: n.runId,
        createdAt: n.createdAt,
        actor: n.actor ? { handle: n.actor.handle, displayName: n.actor.displayName } : null,
      })),
      meta: { unread: unreadCount, pagination: { page, pageSize, total } },
    };
  },

  /** POST /notifications/read {ids} | {all: true} — only the member's own are touched, whatever ids are sent. */
  async read(ctx: Ctx) {
    const input = parse(readBody, ctx.request.body?.data);
    const profile = await currentProfile(strapi, ctx);
    const filters = {
      recipient: { id: profile.id },
      read: false,
      ...("ids" in input ? { documentId: { $in: input.ids } } : {}),
    };
    // updateMany cannot filter through a relation, so the member's own ids are looked up first.
    const own = await strapi.documents(NOTIFICATION).findMany({ filters, fields: ["read"], limit: 10_000 });
    const ids = own.map((n) => n.id);
    // db.query: one UPDATE for them all, where the Document Service would update one notification at a time.
    if (ids.length)
      await strapi.db.query(NOTIFICATION).updateMany({ where: { id: { $in: ids } }, data: { read: true } });
    ctx.body = { data: { marked: ids.length } };
  },
});
