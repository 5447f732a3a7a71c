import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";

const USER = "plugin::users-permissions.user";

/** The community's rule for usernames (community/src/pages/api/auth/signup.ts): it becomes a public handle. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,30}$/;
export const USERNAME_RULE = "3–30 letters, digits, - or _";
export const USERNAME_TAKEN = "That username is already taken.";

/** E-mails are stored and looked up trimmed and lower-case. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const usernameTaken = () =>
  new errors.ValidationError(USERNAME_TAKEN, {
    errors: [{ path: ["username"], message: USERNAME_TAKEN, name: "ValidationError" }],
  });

/** Whether PostgreSQL refused a write for a duplicate key (the case-insensitive username index, say). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.code === "23505") return true;
  return false;
}

type Row = { id: number; documentId: string; username: string; email: string; blocked: boolean | null };

/** The local account an identifier names — its username in any case, or its e-mail address — if any. */
export async function accountFor(strapi: Core.Strapi, identifier: string): Promise<Row | null> {
  const wanted = identifier.trim();
  return (await strapi.documents(USER).findFirst({
    filters: { provider: "local", $or: [{ username: { $eqi: wanted } }, { email: { $eqi: wanted } }] },
    fields: ["username", "email", "blocked"],
  })) as Row | null;
}

type Event = { params: { data?: Record<string, unknown>; where?: Record<string, unknown> } };

/**
 * Whatever writes a member (sign-up, the admin, a script), the e-mail is stored normalised and the username is
 * refused when another member has it in any case — with a message, where the unique index would answer 500.
 */
export function guardMemberIdentities(strapi: Core.Strapi): void {
  const check = async (event: Event, exceptIds: number[]) => {
    const data = event.params.data;
    if (!data) return;
    if (typeof data.email === "string") data.email = normaliseEmail(data.email);
    if (typeof data.username !== "string") return;
    data.username = data.username.trim();
    // db.query: lifecycles run inside the write; the Document Service would run its own middlewares again.
    const other = await strapi.db.query(USER).findOne({
      where: { username: { $eqi: data.username }, ...(exceptIds.length ? { id: { $notIn: exceptIds } } : {}) },
      select: ["id"],
    });
    if (other) throw usernameTaken();
  };
  strapi.db.lifecycles.subscribe({
    models: [USER],
    async beforeCreate(event) {
      await check(event as Event, []);
    },
    async beforeUpdate(event) {
      const { data, where } = (event as Event).params;
      const ids =
        typeof data?.username === "string"
          ? (await strapi.db.query(USER).findMany({ where: where ?? {}, select: ["id"] })).map(
              (r: { id: number }) => r.id,
            )
          : [];
      await check(event as Event, ids);
    },
  });
}
