import { z } from "zod";
import { CmsError } from "./errors.ts";
import { cms } from "./http.ts";

/**
 * The CMS's member-session store (`/api/member-sessions`), which every community replica shares. Records are keyed
 * by the SHA-256 of the cookie's random id, so neither the CMS nor its database ever holds a usable cookie, and the
 * member's JWT inside is sealed with COMMUNITY_SESSION_SECRET, which only the community has.
 */

const community = { as: "community" } as const;
const PATH = "/api/member-sessions";
/** Every request with a cookie waits for this lookup: a slow CMS fails it quickly instead of holding the page. */
const LOOKUP_TIMEOUT_MS = 3000;

const optionalText = z.string().nullish();

export const sessionRecordSchema = z.object({
  userId: z.string().min(1),
  username: optionalText,
  sealedJwt: z.string().min(1),
  expiresAt: z.string(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

/** A session as the settings page lists it: which device, from where, when it was last used, and whether it is this one. */
export const sessionSummarySchema = z.object({
  userAgent: optionalText,
  address: optionalText,
  createdAt: optionalText,
  lastSeenAt: optionalText,
  expiresAt: optionalText,
  current: z.boolean().nullish(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export type NewSessionRecord = {
  tokenHash: string;
  userId: string;
  sealedJwt: string;
  expiresAt: string;
  userAgent?: string;
  address?: string;
};

export async function createSessionRecord(data: NewSessionRecord): Promise<void> {
  await cms(PATH, z.unknown(), { auth: community, method: "POST", body: { data } });
}

/** The live session stored under `tokenHash`; null when there is none (ended, expired, or its member is blocked). */
export async function findSessionRecord(tokenHash: string): Promise<SessionRecord | null> {
  try {
    const { data } = await cms(`${PATH}/${tokenHash}`, z.object({ data: sessionRecordSchema }), {
      auth: community,
      timeoutMs: LOOKUP_TIMEOUT_MS,
    });
    return data;
  } catch (error) {
    if (error instanceof CmsError && error.status === 404) return null;
    throw error;
  }
}

/** Ends one session; one already gone counts as ended. */
export async function deleteSessionRecord(tokenHash: string): Promise<void> {
  try {
    await cms(`${PATH}/${tokenHash}`, z.unknown(), { auth: community, method: "DELETE" });
  } catch (error) {
    if (error instanceof CmsError && error.status === 404) return;
    throw error;
  }
}

/** Ends every session of `userId`, except the one stored under `except`; returns how many ended. */
export async function deleteSessionsOf(userId: string, except?: string): Promise<number> {
  const { data } = await cms(PATH, z.object({ data: z.object({ ended: z.number() }) }), {
    auth: community,
    method: "DELETE",
    query: { userId, except },
  });
  return data.ended;
}

/** The live sessions of `userId`, the one stored under `current` marked as such. */
export async function listSessionsOf(userId: string, current: string): Promise<SessionSummary[]> {
  const { data } = await cms(PATH, z.object({ data: z.array(sessionSummarySchema) }), {
    auth: community,
    query: { userId, tokenHash: current },
  });
  return data;
}
