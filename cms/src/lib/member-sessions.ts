import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";

export const MEMBER_SESSION = "api::member-session.member-session";
export const MEMBER_SESSIONS_TABLE = "member_sessions";

/** Ends every session of the members with these users-permissions document ids; returns how many ended. */
export async function endSessionsOf(strapi: Core.Strapi, userIds: string[]): Promise<number> {
  if (!userIds.length) return 0;
  // db.query: one DELETE for all of them, inside the caller's transaction when there is one; the Document
  // Service deletes one document at a time.
  const { count } = await strapi.db.query(MEMBER_SESSION).deleteMany({ where: { userId: { $in: userIds } } });
  return count;
}

/** Deletes sessions past their expiry (a session read after it expired is deleted then; this catches the rest). */
export async function pruneExpiredSessions(db: Knex): Promise<number> {
  return db(MEMBER_SESSIONS_TABLE).where("expires_at", "<", db.fn.now()).delete();
}
