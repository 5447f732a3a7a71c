import type { Locale } from "@inkstone/config";
import { z } from "zod";
import { CmsError } from "./errors.ts";
import { cms, cmsDownload } from "./http.ts";
import { dataOf } from "./schemas.ts";

/**
 * The CMS's account routes (`/api/accounts`, docs in the accounts contract): a member's password, e-mail, mail
 * preferences, export and deletion, as the member (their JWT); and the links mailed to them (verification, reset,
 * e-mail change, unsubscribe), as a visitor through the community's door — the link's token is the authority.
 */

const as = (jwt: string) => ({ as: "member", jwt }) as const;
const visitor = (clientAddress: string) => ({ as: "visitor", clientAddress }) as const;
const BASE = "/api/accounts";

/** A link token as the CMS mints them: 32 random bytes, base64url (43 characters). */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** An unsubscribe token: signed, with no fixed length; anything outside base64url and dots is not one of ours. */
export const UNSUBSCRIBE_TOKEN = /^[A-Za-z0-9_.-]{16,500}$/;

export const LINK_PURPOSES = ["verify-email", "password-reset", "email-change"] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];
export const LINK_STATUSES = ["valid", "expired", "used", "invalid"] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export const MAIL_CATEGORIES = ["replies", "follows", "reviews", "runs"] as const;
export type MailCategory = (typeof MAIL_CATEGORIES)[number];
export const MAIL_FREQUENCIES = ["immediate", "daily", "never"] as const;
export type MailFrequency = (typeof MAIL_FREQUENCIES)[number];

const frequency = z.enum(MAIL_FREQUENCIES);
export const mailPreferencesSchema = z.object({
  replies: frequency,
  follows: frequency,
  reviews: frequency,
  runs: frequency,
  locale: z.string().nullish(),
});
export type MailPreferences = z.infer<typeof mailPreferencesSchema>;

const sentSchema = dataOf(z.object({ sent: z.literal(true) }));

/** The CMS's own reason for refusing a link or a change (`details.code`), when the error carries one. */
export function refusalCode(error: unknown): string | undefined {
  return error instanceof CmsError ? error.reason : undefined;
}

/** `link_invalid`, `link_expired`, `link_used` as the status a link page shows. */
export function linkStatusOf(error: unknown): Exclude<LinkStatus, "valid"> | undefined {
  const code = refusalCode(error);
  if (code === "link_expired") return "expired";
  if (code === "link_used") return "used";
  if (code === "link_invalid") return "invalid";
  return undefined;
}

// Member routes.

export const resendVerification = (jwt: string, locale: Locale) =>
  cms(`${BASE}/me/verification`, sentSchema, { auth: as(jwt), method: "POST", body: { data: { locale } } });

/** Sets a new password; every other session of the member ends in the same transaction. Returns how many. */
export const changePassword = (jwt: string, data: { currentPassword: string; password: string; keepSession: string }) =>
  cms(`${BASE}/me/password`, dataOf(z.object({ ended: z.number().int() })), {
    auth: as(jwt),
    method: "POST",
    body: { data },
  });

/** Mails the new address a confirmation link and the old one a notice; nothing changes until the link is used. */
export const requestEmailChange = (jwt: string, data: { email: string; currentPassword: string; locale: Locale }) =>
  cms(`${BASE}/me/email`, sentSchema, { auth: as(jwt), method: "POST", body: { data } });

export const myMailPreferences = (jwt: string) =>
  cms(`${BASE}/me/mail-preferences`, dataOf(mailPreferencesSchema), { auth: as(jwt), timeoutMs: 3000 });

export const setMyMailPreferences = (
  jwt: string,
  data: Partial<Record<MailCategory, MailFrequency>> & { locale?: Locale },
) =>
  cms(`${BASE}/me/mail-preferences`, dataOf(mailPreferencesSchema), { auth: as(jwt), method: "PUT", body: { data } });

/** The member's archive (a zip), as the CMS streams it; the caller passes the body and its headers on. */
export const exportMyData = (jwt: string) => cmsDownload(`${BASE}/me/export`, { auth: as(jwt), timeoutMs: 120_000 });

export const deleteMyAccount = (jwt: string, data: { password: string; comments: "keep" | "remove" }) =>
  cms(`${BASE}/me/delete`, dataOf(z.object({ userId: z.string(), deleted: z.literal(true) })), {
    auth: as(jwt),
    method: "POST",
    body: { data },
    timeoutMs: 30_000,
  });

// Link routes.

/** What a link is (never consumes it); `email` is masked and only there when the link is valid. */
export const checkLink = (token: string, purpose: LinkPurpose, clientAddress: string) =>
  cms(
    `${BASE}/links/check`,
    dataOf(z.object({ status: z.enum(LINK_STATUSES), purpose: z.string(), email: z.string().nullish() })),
    { auth: visitor(clientAddress), method: "POST", body: { data: { token, purpose } }, timeoutMs: 3000 },
  );

export const confirmVerification = (token: string, clientAddress: string) =>
  cms(`${BASE}/verification/confirm`, dataOf(z.object({ userId: z.string(), email: z.string() })), {
    auth: visitor(clientAddress),
    method: "POST",
    body: { data: { token } },
  });

/** Always "sent" for a well-formed address, whether or not it has an account: nothing to tell apart. */
export const requestPasswordReset = (email: string, locale: Locale, clientAddress: string) =>
  cms(`${BASE}/password-reset`, z.unknown(), {
    auth: visitor(clientAddress),
    method: "POST",
    body: { data: { email, locale } },
  });

/** Sets the password and ends every session of the member (the caller announces it to the replicas). */
export const confirmPasswordReset = (token: string, password: string, clientAddress: string) =>
  cms(`${BASE}/password-reset/confirm`, dataOf(z.object({ userId: z.string() })), {
    auth: visitor(clientAddress),
    method: "POST",
    body: { data: { token, password } },
  });

export const confirmEmailChange = (token: string, clientAddress: string) =>
  cms(`${BASE}/email-change/confirm`, dataOf(z.object({ userId: z.string(), email: z.string() })), {
    auth: visitor(clientAddress),
    method: "POST",
    body: { data: { token } },
  });

export const unsubscribe = (token: string, clientAddress: string) =>
  cms(
    `${BASE}/unsubscribe`,
    dataOf(z.object({ category: z.enum([...MAIL_CATEGORIES, "all"]), email: z.string().nullish() })),
    { auth: visitor(clientAddress), method: "POST", body: { data: { token } } },
  );
