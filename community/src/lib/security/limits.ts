import type { Bucket, Verdict } from "../store/rate-limits.ts";
import { rateLimiter } from "../store/replica.ts";

const perMinute = (n: number) => n / 60;
const bucket = (name: string, capacity: number, refillPerSecond: number): Bucket => ({
  name,
  capacity,
  refillPerSecond,
});

/**
 * The community's rate limits, per client address (src/lib/security/client-address.ts) and per member, counted in
 * the shared store: a limit of 10 is 10 across all replicas. Sign-in is limited here per address only: failed
 * sign-ins per account are the CMS's to count, per (account, address) with a cap per account that spares addresses
 * the member signed in from before. A lock-out per account here would let anyone lock its owner out by guessing
 * wrong five times.
 */
const limits = {
  signUpByIp: bucket("signup-ip", 10, perMinute(10 / 60)),
  signInByIp: bucket("signin-ip", 20, perMinute(2)),
  commentByMember: bucket("comment-member", 10, perMinute(6)),
  commentByIp: bucket("comment-ip", 30, perMinute(20)),
  reactionByMember: bucket("reaction-member", 60, 1),
  reactionByIp: bucket("reaction-ip", 120, 2),
  generationByMember: bucket("generation-member", 5, perMinute(1)),
  generationByIp: bucket("generation-ip", 10, perMinute(2)),
  // Each avatar is decoded and re-encoded in a dozen sizes by the CMS: a few an hour is plenty for a person.
  avatarByMember: bucket("avatar-member", 10, perMinute(10 / 60)),
  avatarByIp: bucket("avatar-ip", 30, perMinute(30 / 60)),
  // Each question is an answer to write (retrieval, and a model's tokens when one is configured); ASK_QUOTA also caps
  // how many wait at once.
  askByMember: bucket("ask-member", 10, perMinute(4)),
  askByIp: bucket("ask-ip", 30, perMinute(12)),
  // Each asks the CMS to send a mail. The CMS also caps mails per account (3 an hour, silently for resets, so that
  // the answer never tells whether an address has an account); these stop one address mailing many accounts.
  forgotPasswordByIp: bucket("forgot-password-ip", 5, perMinute(10 / 60)),
  verificationByIp: bucket("verification-ip", 10, perMinute(10 / 60)),
  verificationByMember: bucket("verification-member", 5, perMinute(5 / 60)),
  // Changing the password or the e-mail and deleting the account each check the current password: a stolen session
  // must not be a way to guess it.
  accountPasswordByMember: bucket("account-password-member", 10, perMinute(10 / 60)),
  accountPasswordByIp: bucket("account-password-ip", 20, perMinute(20 / 60)),
  // Mailed links (checked, then used): their tokens cannot be guessed; this keeps a flood from costing the CMS.
  linkByIp: bucket("link-ip", 60, perMinute(30)),
};

export type LimitedAction =
  | "signUp"
  | "signIn"
  | "comment"
  | "reaction"
  | "generation"
  | "avatar"
  | "ask"
  | "forgotPassword"
  | "verification"
  | "accountPassword"
  | "link";

/**
 * Charges `action` to the caller's address and, where known, their member id. Throws StoreUnavailable when the
 * store cannot be reached (the action is refused with 503 rather than let through unlimited).
 */
export function limit(action: LimitedAction, ip: string, who?: string): Promise<Verdict> {
  switch (action) {
    case "signUp":
      return rateLimiter.take([[limits.signUpByIp, ip]]);
    case "signIn":
      return rateLimiter.take([[limits.signInByIp, ip]]);
    case "comment":
      return rateLimiter.take([
        [limits.commentByIp, ip],
        [limits.commentByMember, who ?? ip],
      ]);
    case "reaction":
      return rateLimiter.take([
        [limits.reactionByIp, ip],
        [limits.reactionByMember, who ?? ip],
      ]);
    case "generation":
      return rateLimiter.take([
        [limits.generationByIp, ip],
        [limits.generationByMember, who ?? ip],
      ]);
    case "avatar":
      return rateLimiter.take([
        [limits.avatarByIp, ip],
        [limits.avatarByMember, who ?? ip],
      ]);
    case "ask":
      return rateLimiter.take([
        [limits.askByIp, ip],
        [limits.askByMember, who ?? ip],
      ]);
    case "forgotPassword":
      return rateLimiter.take([[limits.forgotPasswordByIp, ip]]);
    case "verification":
      return rateLimiter.take([
        [limits.verificationByIp, ip],
        [limits.verificationByMember, who ?? ip],
      ]);
    case "accountPassword":
      return rateLimiter.take([
        [limits.accountPasswordByIp, ip],
        [limits.accountPasswordByMember, who ?? ip],
      ]);
    case "link":
      return rateLimiter.take([[limits.linkByIp, ip]]);
  }
}
