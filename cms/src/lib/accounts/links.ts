import { createHash, randomBytes } from "node:crypto";
import type { Locale } from "@inkstone/config";
import type { Knex } from "knex";

/**
 * The links Inkstone mails to prove an address: each works once, until it expires, and only its latest issue
 * counts (asking again retires the earlier ones). Only the token's SHA-256 is stored.
 */
export const LINK_PURPOSES = ["verify-email", "password-reset", "email-change"] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

const LIFETIME_MINUTES: Record<LinkPurpose, number> = {
  "verify-email": 48 * 60,
  "password-reset": 30,
  "email-change": 24 * 60,
};

/** The page of the community each link opens. */
export const LINK_PAGE: Record<LinkPurpose, string> = {
  "verify-email": "verify-email",
  "password-reset": "reset-password",
  "email-change": "confirm-email",
};

export type LinkStatus = "valid" | "expired" | "used" | "invalid";
export type Link = { userId: string; purpose: LinkPurpose; email: string; locale: Locale };

const LINKS = "account_links";
/** 32 random bytes, base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

type Row = {
  id: string;
  user_id: string;
  purpose: LinkPurpose;
  email: string;
  locale: Locale;
  expires_at: Date;
  used_at: Date | null;
};

/** Issues a link for `purpose`, retiring the member's earlier unused ones for it; returns the token to mail. */
export async function issueLink(db: Knex, link: Link): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // Retired rather than deleted: a retired link reads as expired (a newer one is on its way), and rows stay counted.
  await db(LINKS)
    .where({ user_id: link.userId, purpose: link.purpose })
    .whereNull("used_at")
    .where("expires_at", ">", db.fn.now())
    .update({ expires_at: db.fn.now() });
  await db(LINKS).insert({
    user_id: link.userId,
    purpose: link.purpose,
    token_hash: hashOf(token),
    email: link.email,
    locale: link.locale,
    expires_at: db.raw(`now() + make_interval(mins => ?)`, [LIFETIME_MINUTES[link.purpose]]),
  });
  return token;
}

/** How many links for `purpose` the member was sent in the last hour (a limit on mail one can trigger). */
export async function linksSentLastHour(db: Knex, userId: string, purpose: LinkPurpose): Promise<number> {
  const row = (await db(LINKS)
    .where({ user_id: userId, purpose })
    .where("created_at", ">", db.raw("now() - interval '1 hour'"))
    .count({ n: "*" })
    .first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

async function find(db: Knex, token: string, purpose: LinkPurpose, lock: boolean): Promise<Row | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const query = db(LINKS)
    .where({ token_hash: hashOf(token), purpose })
    .first();
  return (await (lock ? query.forUpdate() : query)) as Row | undefined;
}

const statusOf = (row: Row | undefined): LinkStatus =>
  !row ? "invalid" : row.used_at ? "used" : row.expires_at.getTime() <= Date.now() ? "expired" : "valid";

/** What a link would do now, without using it. */
export async function checkLink(
  db: Knex,
  token: string,
  purpose: LinkPurpose,
): Promise<{ status: LinkStatus; link?: Link }> {
  const row = await find(db, token, purpose, false);
  const status = statusOf(row);
  return row && status === "valid"
    ? { status, link: { userId: row.user_id, purpose: row.purpose, email: row.email, locale: row.locale } }
    : { status };
}

/**
 * Uses a link inside `trx` (the row stays locked until it commits, so two clicks cannot both use it); returns what
 * it was for, or its status when it cannot be used.
 */
export async function spendLink(
  trx: Knex.Transaction,
  token: string,
  purpose: LinkPurpose,
): Promise<Link | LinkStatus> {
  const row = await find(trx, token, purpose, true);
  const status = statusOf(row);
  if (!row || status !== "valid") return status;
  await trx(LINKS).where({ id: row.id }).update({ used_at: trx.fn.now() });
  return { userId: row.user_id, purpose: row.purpose, email: row.email, locale: row.locale };
}

/** Forgets every link of the member (their account is going). */
export const dropLinksOf = (db: Knex, userId: string) => db(LINKS).where({ user_id: userId }).delete();

/** Deletes links a week after they expired or were used: until then they answer "expired" or "used". */
export const pruneSpentLinks = (db: Knex) =>
  db(LINKS).where("expires_at", "<", db.raw("now() - interval '7 days'")).delete();
