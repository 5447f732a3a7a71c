import type { Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { env } from "../../env.ts";
import { forbidWithCode } from "../validate.ts";

export const USER = "plugin::users-permissions.user";
const PROFILE = "api::profile.profile";

/** A member as the account routes need them: the account row (with its password hash) and their profile. */
export type Account = {
  id: number;
  documentId: string;
  username: string;
  email: string;
  password: string | null;
  confirmed: boolean | null;
  blocked: boolean | null;
  profile: { id: number; documentId: string; displayName: string; handle: string } | null;
};

/** The account of the users-permissions user with database id `id` or document id `documentId`. */
export async function accountOf(
  strapi: Core.Strapi,
  where: { id: number } | { documentId: string },
): Promise<Account | null> {
  // db.query: the Document Service never returns the password hash, which checking a password needs.
  const user = (await strapi.db.query(USER).findOne({ where })) as Omit<Account, "profile"> | null;
  if (!user) return null;
  const profile = (await strapi.documents(PROFILE).findFirst({
    filters: { user: { id: user.id } },
    fields: ["displayName", "handle"],
  })) as Account["profile"];
  return { ...user, profile };
}

/** The signed-in member's account; 401 when nobody is signed in. */
export async function signedInAccount(
  strapi: Core.Strapi,
  ctx: { state: { user?: { id: number } } },
): Promise<Account> {
  const id = ctx.state.user?.id;
  const account = id === undefined ? null : await accountOf(strapi, { id });
  if (!account) throw new errors.UnauthorizedError("Sign in first.");
  return account;
}

/** The name a mail greets the member by. */
export const nameOf = (account: Account) => account.profile?.displayName ?? account.username;

/** Whether `password` is the member's current one. */
export async function passwordMatches(strapi: Core.Strapi, account: Account, password: string): Promise<boolean> {
  if (!account.password) return false;
  return strapi.plugin("users-permissions").service("user").validatePassword(password, account.password);
}

/** A 400 the community tells apart by `details.code`, with the field it is about. */
export function refusal(code: string, message: string, field?: string): errors.ValidationError {
  return new errors.ValidationError(message, {
    code,
    ...(field ? { errors: [{ path: [field], message, name: "ValidationError" }] } : {}),
  });
}

export const wrongPassword = () => refusal("wrong_password", "That is not your current password.", "currentPassword");

/** A page of the community, in `locale`, with `token` in its query (links in mails). */
export function communityPage(locale: Locale, page: string, token?: string): string {
  const url = new URL(`${env().COMMUNITY_URL}/${locale}/${page}`);
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/** Whether the member's address is confirmed, as the gates on commenting and asking read it. */
export const verified = (account: { confirmed?: boolean | null }) => account.confirmed === true;

/** Refuses an action to a member whose address is unconfirmed while MEMBER_EMAIL_VERIFICATION=required. */
export function verificationMissing(account: { confirmed?: boolean | null }): boolean {
  return env().MEMBER_EMAIL_VERIFICATION === "required" && !verified(account);
}

/**
 * The gate on commenting and asking: answers 403 `email_unverified` and returns true when the signed-in member must
 * confirm their address first (the JWT's user row carries `confirmed`).
 */
export function refusedUnverified(ctx: {
  state: { user?: { confirmed?: boolean | null } };
  status?: number;
  body?: unknown;
}): boolean {
  const user = ctx.state.user;
  if (!user || !verificationMissing(user)) return false;
  forbidWithCode(
    ctx,
    "email_unverified",
    "Confirm your e-mail address first: open the link we mailed you, or ask for a new one in your settings.",
  );
  return true;
}
