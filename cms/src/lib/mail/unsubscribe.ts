import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../../env.ts";
import { MAIL_CATEGORIES, type MailCategory } from "./settings.ts";

/**
 * One-click unsubscribe links (RFC 8058): the token names the member and the category and is signed, so it needs no
 * storage and never expires — a mail from last year must still stop the mail. `all` stops every category.
 */
export type UnsubscribeScope = MailCategory | "all";

const mac = (userId: string, scope: string) =>
  createHmac("sha256", env().ENCRYPTION_KEY)
    .update(`unsubscribe\0${userId}\0${scope}`)
    .digest("base64url")
    .slice(0, 32);

export const unsubscribeToken = (userId: string, scope: UnsubscribeScope): string =>
  `${userId}.${scope}.${mac(userId, scope)}`;

/** The member and scope a token names, or null when it was not made here (or was altered). */
export function readUnsubscribeToken(token: string): { userId: string; scope: UnsubscribeScope } | null {
  const match = /^([A-Za-z0-9]{1,64})\.([a-z]{1,16})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  const [, userId = "", scope = "", given = ""] = match;
  if (scope !== "all" && !(MAIL_CATEGORIES as readonly string[]).includes(scope)) return null;
  const expected = Buffer.from(mac(userId, scope));
  if (!timingSafeEqual(expected, Buffer.from(given))) return null;
  return { userId, scope: scope as UnsubscribeScope };
}
