import type { Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import type { Knex } from "knex";
import { normaliseEmail } from "../identities.ts";
import { log } from "../log.ts";
import { mails } from "../mail/messages.ts";
import { kickMailer, queueMail } from "../mail/outbox.ts";
import { saveMailSettings } from "../mail/settings.ts";
import { MEMBER_SESSION } from "../member-sessions.ts";
import {
  issueLink,
  LINK_PAGE,
  type Link,
  type LinkPurpose,
  type LinkStatus,
  linksSentLastHour,
  spendLink,
} from "./links.ts";
import {
  type Account,
  accountOf,
  communityPage,
  nameOf,
  passwordMatches,
  refusal,
  USER,
  wrongPassword,
} from "./members.ts";

/**
 * What a member does with their account by mail: confirm their address, reset a forgotten password, change it, move
 * to another address. Each change and the mail telling about it are written in one transaction; the mail goes out
 * once it commits.
 */

/** Links a member can have mailed per purpose and hour: enough for a lost mail, too few to flood an inbox. */
export const LINKS_PER_HOUR = 3;

const LINK_REFUSALS: Record<Exclude<LinkStatus, "valid">, string> = {
  invalid: "This link is not valid: it may have been cut or altered. Ask for a new one.",
  expired: "This link has expired. Ask for a new one.",
  used: "This link has already been used.",
};
const linkRefused = (status: Exclude<LinkStatus, "valid">) => refusal(`link_${status}`, LINK_REFUSALS[status]);

/** Runs `work` in a transaction and wakes the mailer once it commits. */
function withMail<T>(strapi: Core.Strapi, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return strapi.db.transaction(async ({ trx, onCommit }) => {
    onCommit(kickMailer);
    return work(trx);
  }) as Promise<T>;
}

async function mailLink(trx: Knex.Transaction, account: Account, link: Omit<Link, "userId">, to = account.email) {
  const token = await issueLink(trx, { ...link, userId: account.documentId });
  const url = communityPage(link.locale, LINK_PAGE[link.purpose], token);
  const name = nameOf(account);
  const content =
    link.purpose === "verify-email"
      ? mails.verifyEmail(link.locale, name, url)
      : link.purpose === "password-reset"
        ? mails.passwordReset(link.locale, name, url)
        : mails.emailChange(link.locale, name, url);
  await queueMail(trx, { ...content, kind: link.purpose, to, userId: account.documentId });
}

/** Refuses a fourth link of `purpose` within the hour with 429 and when to try again. */
async function withinLinkLimit(trx: Knex.Transaction, account: Account, purpose: LinkPurpose): Promise<boolean> {
  return (await linksSentLastHour(trx, account.documentId, purpose)) < LINKS_PER_HOUR;
}
const tooMany = () =>
  new errors.RateLimitError("Too many links asked for in the last hour; try again later.", {
    code: "too_many",
    retryAfter: 3600,
  });

/** Uses `token` for `purpose` and returns the link and its member, or throws the link's refusal. */
async function usedLink(strapi: Core.Strapi, trx: Knex.Transaction, token: string, purpose: LinkPurpose) {
  const link = await spendLink(trx, token, purpose);
  if (typeof link === "string") throw linkRefused(link === "valid" ? "invalid" : link);
  const account = await accountOf(strapi, { documentId: link.userId });
  // The member is gone, blocked, or has moved to another address since: the link proves nothing any more.
  const current = account && !account.blocked && (purpose === "email-change" || account.email === link.email);
  if (!current) throw linkRefused("invalid");
  return { link, account };
}

// --- Verification ---------------------------------------------------------------------------------------------

/** After sign-up: the member starts unconfirmed, with their language saved, and gets the link. */
export async function welcome(strapi: Core.Strapi, userId: number, locale: Locale): Promise<void> {
  const account = await accountOf(strapi, { id: userId });
  if (!account) return;
  await withMail(strapi, async (trx) => {
    // db.query: a flag of users-permissions' own row; the Document Service would run the user's middlewares again.
    await strapi.db.query(USER).update({ where: { id: account.id }, data: { confirmed: false } });
    await saveMailSettings(trx, account.documentId, { locale });
    await mailLink(trx, account, { purpose: "verify-email", email: account.email, locale });
  });
}

/** Mails a fresh verification link (the earlier ones stop working). */
export async function resendVerification(strapi: Core.Strapi, account: Account, locale: Locale): Promise<void> {
  if (account.confirmed === true)
    throw new errors.ApplicationError("Your address is already confirmed.", { code: "already_verified" });
  await withMail(strapi, async (trx) => {
    if (!(await withinLinkLimit(trx, account, "verify-email"))) throw tooMany();
    await mailLink(trx, account, { purpose: "verify-email", email: account.email, locale });
  });
}

export async function confirmVerification(strapi: Core.Strapi, token: string) {
  return withMail(strapi, async (trx) => {
    const { account } = await usedLink(strapi, trx, token, "verify-email");
    await strapi.db.query(USER).update({ where: { id: account.id }, data: { confirmed: true } });
    return { userId: account.documentId, email: account.email };
  });
}

// --- Passwords ------------------------------------------------------------------------------------------------

/**
 * "Forgot password": mails a reset link when `email` is a member's (not blocked, under the hourly limit). The caller
 * answers the same whatever happened here, so the answer never tells whether an account has the address.
 */
export async function requestReset(strapi: Core.Strapi, email: string, locale: Locale): Promise<void> {
  const user = (await strapi.db
    .query(USER)
    .findOne({ where: { email: normaliseEmail(email), provider: "local" }, select: ["id"] })) as { id: number } | null;
  const account = user ? await accountOf(strapi, { id: user.id }) : null;
  if (!account || account.blocked) return;
  await withMail(strapi, async (trx) => {
    if (!(await withinLinkLimit(trx, account, "password-reset"))) {
      log().info({ userId: account.documentId }, "Password reset: hourly limit reached; no mail sent.");
      return;
    }
    await mailLink(trx, account, { purpose: "password-reset", email: account.email, locale });
  });
}

/** Sets the password a reset link was for, ends every session of the member, and confirms their address. */
export async function completeReset(strapi: Core.Strapi, token: string, password: string) {
  return withMail(strapi, async (trx) => {
    const { account, link } = await usedLink(strapi, trx, token, "password-reset");
    await strapi.plugin("users-permissions").service("user").edit(account.id, { password, confirmed: true });
    await strapi.db.query(MEMBER_SESSION).deleteMany({ where: { userId: account.documentId } });
    await mailPasswordChanged(trx, account, link.locale);
    return { userId: account.documentId };
  });
}

/** Changes the signed-in member's password after checking the current one; ends their other sessions. */
export async function changePassword(
  strapi: Core.Strapi,
  account: Account,
  input: { currentPassword: string; password: string; keepSession: string; locale: Locale },
): Promise<{ ended: number }> {
  if (!(await passwordMatches(strapi, account, input.currentPassword))) throw wrongPassword();
  return withMail(strapi, async (trx) => {
    await strapi.plugin("users-permissions").service("user").edit(account.id, { password: input.password });
    const { count } = await strapi.db
      .query(MEMBER_SESSION)
      .deleteMany({ where: { userId: account.documentId, tokenHash: { $ne: input.keepSession } } });
    await mailPasswordChanged(trx, account, input.locale);
    return { ended: count };
  });
}

const mailPasswordChanged = (trx: Knex.Transaction, account: Account, locale: Locale) =>
  queueMail(trx, {
    ...mails.passwordChanged(locale, nameOf(account), communityPage(locale, "forgot-password")),
    kind: "password-changed",
    to: account.email,
    userId: account.documentId,
  });

// --- E-mail address -------------------------------------------------------------------------------------------

async function addressTaken(strapi: Core.Strapi, email: string, exceptId: number): Promise<boolean> {
  return Boolean(await strapi.db.query(USER).findOne({ where: { email, id: { $ne: exceptId } }, select: ["id"] }));
}
const emailTaken = () => refusal("email_taken", "Another account uses that address.", "email");

/** Mails the new address a confirmation link and tells the current one; nothing changes until the link is used. */
export async function requestEmailChange(
  strapi: Core.Strapi,
  account: Account,
  input: { email: string; currentPassword: string; locale: Locale },
): Promise<void> {
  if (!(await passwordMatches(strapi, account, input.currentPassword))) throw wrongPassword();
  const email = normaliseEmail(input.email);
  if (email === account.email) throw refusal("same_email", "That is already your address.", "email");
  if (await addressTaken(strapi, email, account.id)) throw emailTaken();
  await withMail(strapi, async (trx) => {
    if (!(await withinLinkLimit(trx, account, "email-change"))) throw tooMany();
    await mailLink(trx, account, { purpose: "email-change", email, locale: input.locale }, email);
    await queueMail(trx, {
      ...mails.emailChangeNotice(input.locale, nameOf(account), email),
      kind: "email-change-notice",
      to: account.email,
      userId: account.documentId,
    });
  });
}

/** Moves the member to the address the link was sent to (which it proves), and tells the old address. */
export async function confirmEmailChange(strapi: Core.Strapi, token: string) {
  return withMail(strapi, async (trx) => {
    const { account, link } = await usedLink(strapi, trx, token, "email-change");
    if (await addressTaken(strapi, link.email, account.id)) throw emailTaken();
    await strapi.db.query(USER).update({ where: { id: account.id }, data: { email: link.email, confirmed: true } });
    await queueMail(trx, {
      ...mails.emailChanged(link.locale, nameOf(account), link.email),
      kind: "email-changed",
      to: account.email,
      userId: account.documentId,
    });
    return { userId: account.documentId, email: link.email };
  });
}
