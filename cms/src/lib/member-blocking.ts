import type { Core } from "@strapi/strapi";
import { log } from "./log.ts";
import { endSessionsOf } from "./member-sessions.ts";
import { notifyCommunity } from "./webhook.ts";

const USER = "plugin::users-permissions.user";

type Event = {
  params: { data?: { blocked?: unknown }; where?: Record<string, unknown> };
  result?: { id: number; documentId?: string; blocked?: boolean | null };
  state: { notBlockedBefore?: { id: number; documentId: string }[] };
};

/** The members `where` selects that are not blocked yet (read before an update that blocks). */
const notYetBlocked = async (strapi: Core.Strapi, where: Record<string, unknown> = {}) =>
  // db.query: lifecycles run inside the write; the Document Service would run its own middlewares again.
  (await strapi.db.query(USER).findMany({
    where: { $and: [where, { $or: [{ blocked: false }, { blocked: { $null: true } }] }] },
    select: ["id", "documentId"],
  })) as { id: number; documentId: string }[];

/**
 * When an editor blocks a member — in the admin, or any other way the row is written — every session of theirs
 * ends in the same transaction, and once it commits the community hears `{ model: "member", event: "block" }`
 * so it cancels their runs. Blocking an already blocked member does neither again.
 */
export function endSessionsOnBlock(strapi: Core.Strapi): void {
  const blocking = (event: Event) => event.params.data?.blocked === true;
  const before = async (event: Event) => {
    if (blocking(event)) event.state.notBlockedBefore = await notYetBlocked(strapi, event.params.where);
  };
  const after = async (event: Event) => {
    const members = event.state.notBlockedBefore ?? [];
    if (!blocking(event) || !members.length) return;
    const userIds = members.map((m) => m.documentId);
    await strapi.db.transaction(async ({ onCommit }) => {
      const ended = await endSessionsOf(strapi, userIds);
      onCommit(() => {
        log().info({ userIds, ended }, "Blocked members: their sessions ended; telling the community.");
        for (const userId of userIds) notifyCommunity({ model: "member", event: "block", userId });
      });
    });
  };
  strapi.db.lifecycles.subscribe({
    models: [USER],
    beforeUpdate: (event) => before(event as unknown as Event),
    afterUpdate: (event) => after(event as unknown as Event),
    beforeUpdateMany: (event) => before(event as unknown as Event),
    afterUpdateMany: (event) => after(event as unknown as Event),
  });
}
