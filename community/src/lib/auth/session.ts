import type { AstroCookies } from "astro";
import { z } from "zod";
import { env } from "../env.ts";
import { seal, unseal } from "./seal.ts";

/** The signed-in member as the community knows them; the JWT never leaves the server. */
const sessionSchema = z.object({
  jwt: z.string().min(1),
  userId: z.string(),
  handle: z.string(),
  displayName: z.string(),
  /** Seconds since the epoch after which the session is void, whatever the cookie's own expiry says. */
  exp: z.number(),
});
export type Session = z.infer<typeof sessionSchema>;

export const SESSION_COOKIE = "inkstone_session";
/** Strapi's member JWTs last 30 days; the community asks members to sign in again after 14. */
export const SESSION_SECONDS = 14 * 24 * 3600;

const secret = () => env().COMMUNITY_WEBHOOK_SECRET;

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

export function sealSession(session: Session): string {
  return seal(session, secret(), "session");
}

/** The session in a cookie value, if it decrypts, parses and has not expired. */
export function openSession(value: string | undefined, now = Date.now()): Session | null {
  if (!value) return null;
  const parsed = sessionSchema.safeParse(unseal(value, secret(), "session"));
  if (!parsed.success || parsed.data.exp * 1000 <= now) return null;
  return parsed.data;
}

export function startSession(cookies: AstroCookies, member: Omit<Session, "exp">): Session {
  const session = { ...member, exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS };
  cookies.set(SESSION_COOKIE, sealSession(session), cookieOptions(SESSION_SECONDS));
  return session;
}

/** Rewrites the cookie after the member's name changed, keeping its expiry. */
export function updateSession(cookies: AstroCookies, session: Session): void {
  const maxAge = Math.max(0, session.exp - Math.floor(Date.now() / 1000));
  cookies.set(SESSION_COOKIE, sealSession(session), cookieOptions(maxAge));
}

export function endSession(cookies: AstroCookies): void {
  cookies.delete(SESSION_COOKIE, { path: "/" });
}
