import { createHash, randomBytes } from "node:crypto";
import type { AstroCookies } from "astro";
import { z } from "zod";
import { createSessionRecord, deleteSessionRecord, deleteSessionsOf, findSessionRecord } from "../cms/sessions.ts";
import { env } from "../env.ts";
import { announce, memberCachesUsable, sessionCache } from "../store/replica.ts";
import { seal, unseal } from "./seal.ts";

/**
 * Server-side sessions. The cookie holds only a random id; the session lives in the CMS's session store (shared by
 * every community replica), keyed by the id's SHA-256. Each replica remembers a session it looked up for up to a
 * minute, while it hears the other replicas: signing out (here or on any replica), signing out everywhere and a
 * block are announced to every replica, which forget the session before the next request, so a copied cookie stops
 * working at once.
 */

/** The signed-in member as the community knows them; the JWT never leaves the server. */
export type Session = {
  /** SHA-256 (hex) of the cookie's id: the record's key in the store. */
  tokenHash: string;
  jwt: string;
  /** The member's users-permissions document id (also their runs' creator id). */
  userId: string;
  /** Their public handle (their profile's; it never changes). */
  handle: string;
  /** ISO time after which the store no longer answers for it. */
  expiresAt: string;
};

export const SESSION_COOKIE = "inkstone_session";
/** Strapi's member JWTs last 30 days; the community asks members to sign in again after 14. */
export const SESSION_SECONDS = 14 * 24 * 3600;

/** 32 random bytes, base64url: 43 characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const PURPOSE = "member-session";

/** What the store keeps sealed: only the community can read the member's JWT out of it. */
const credentialsSchema = z.object({ jwt: z.string().min(1), handle: z.string().min(1) });

const secret = () => env().COMMUNITY_SESSION_SECRET;

/** httpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), Secure when served over https. */
export function cookieOptions(maxAge: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: env().COMMUNITY_URL.startsWith("https://"),
    maxAge,
  };
}

export const newSessionId = (): string => randomBytes(32).toString("base64url");
export const isSessionId = (value: string): boolean => ID_PATTERN.test(value);
export const tokenHashOf = (id: string): string => createHash("sha256").update(id).digest("hex");

export type Device = { userAgent: string | null; address: string };

/** Stores a new session for the member and sets its cookie. Throws CmsError when the store cannot be reached. */
export async function startSession(
  cookies: AstroCookies,
  member: { jwt: string; userId: string; handle: string },
  device: Device,
): Promise<Session> {
  const id = newSessionId();
  const tokenHash = tokenHashOf(id);
  const expiresAt = new Date(Date.now() + SESSION_SECONDS * 1000).toISOString();
  await createSessionRecord({
    tokenHash,
    userId: member.userId,
    sealedJwt: seal({ jwt: member.jwt, handle: member.handle }, secret(), PURPOSE),
    expiresAt,
    ...(device.userAgent ? { userAgent: device.userAgent.slice(0, 300) } : {}),
    ...(device.address !== "unknown" ? { address: device.address } : {}),
  });
  cookies.set(SESSION_COOKIE, id, cookieOptions(SESSION_SECONDS));
  return { tokenHash, jwt: member.jwt, userId: member.userId, handle: member.handle, expiresAt };
}

/**
 * The session a cookie value names: remembered from an earlier request on this replica, else asked of the store;
 * null when the value is not one of our ids, or the store has no live session for it, or the record was sealed with
 * another secret (COMMUNITY_SESSION_SECRET changed: everyone signs in again), or it has expired. Throws CmsError when
 * the store cannot be reached.
 */
export async function resolveSession(value: string | undefined, now = Date.now()): Promise<Session | null> {
  if (!value || !isSessionId(value)) return null;
  const tokenHash = tokenHashOf(value);
  const remembered = memberCachesUsable() ? (sessionCache.get(tokenHash) as Session | undefined) : undefined;
  if (remembered) return Date.parse(remembered.expiresAt) > now ? remembered : null;
  const epoch = sessionCache.epoch;
  const record = await findSessionRecord(tokenHash);
  if (!record) return null;
  const credentials = credentialsSchema.safeParse(unseal(record.sealedJwt, secret(), PURPOSE));
  const expires = Date.parse(record.expiresAt);
  if (!credentials.success || !(expires > now)) return null;
  const session: Session = { tokenHash, userId: record.userId, expiresAt: record.expiresAt, ...credentials.data };
  if (memberCachesUsable()) sessionCache.set(tokenHash, session.userId, session, epoch);
  return session;
}

/** Forgets the cookie. */
export function dropSessionCookie(cookies: AstroCookies): void {
  cookies.delete(SESSION_COOKIE, { path: "/" });
}

/** Ends `session` in the store and forgets the cookie; the cookie goes even when the store cannot be reached (throws). */
export async function endSession(cookies: AstroCookies, session: Session | null): Promise<void> {
  dropSessionCookie(cookies);
  if (!session) return;
  await deleteSessionRecord(session.tokenHash);
  await announce({ kind: "sessions", tokenHashes: [session.tokenHash] });
}

/** Ends every session of `userId` but `except` (a hash) in the store, and on every replica; returns how many. */
export async function endSessionsOf(userId: string, except?: string): Promise<number> {
  const ended = await deleteSessionsOf(userId, except);
  await sessionsEnded(userId);
  return ended;
}

/**
 * Tells every replica that sessions of `userId` were ended in the store (by `endSessionsOf`, or by the CMS itself: a
 * new password, a reset, a deleted account), so none of them goes on honouring a copy it kept.
 */
export async function sessionsEnded(userId: string): Promise<void> {
  await announce({ kind: "sessions", userId });
}
