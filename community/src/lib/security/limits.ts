import { TokenBuckets, takeAll, type Verdict } from "./rate-limit.ts";

const perMinute = (n: number) => n / 60;

/**
 * The community's rate limits, per IP and per member. Sign-in is limited per IP (every attempt) and per account name
 * (failed attempts only), so neither spraying passwords across accounts nor guessing one account's password from
 * many addresses goes far, while a member signing in on several devices is never refused.
 */
const limits = {
  signUpByIp: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(10 / 60) }),
  signInByIp: new TokenBuckets({ capacity: 20, refillPerSecond: perMinute(2) }),
  signInFailuresByAccount: new TokenBuckets({ capacity: 5, refillPerSecond: perMinute(0.5) }),
  commentByMember: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(6) }),
  commentByIp: new TokenBuckets({ capacity: 30, refillPerSecond: perMinute(20) }),
  reactionByMember: new TokenBuckets({ capacity: 60, refillPerSecond: 1 }),
  reactionByIp: new TokenBuckets({ capacity: 120, refillPerSecond: 2 }),
  generationByMember: new TokenBuckets({ capacity: 5, refillPerSecond: perMinute(1) }),
  generationByIp: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(2) }),
};

export type LimitedAction = "signUp" | "signIn" | "comment" | "reaction" | "generation";

/** Charges `action` to the caller's IP and, where known, their member id (or, for sign-in, checks the account). */
export function limit(action: LimitedAction, ip: string, who?: string): Verdict {
  switch (action) {
    case "signUp":
      return takeAll([[limits.signUpByIp, ip]]);
    case "signIn": {
      const account = limits.signInFailuresByAccount.peek(accountKey(who));
      return account.ok ? takeAll([[limits.signInByIp, ip]]) : account;
    }
    case "comment":
      return takeAll([
        [limits.commentByIp, ip],
        [limits.commentByMember, who ?? ip],
      ]);
    case "reaction":
      return takeAll([
        [limits.reactionByIp, ip],
        [limits.reactionByMember, who ?? ip],
      ]);
    case "generation":
      return takeAll([
        [limits.generationByIp, ip],
        [limits.generationByMember, who ?? ip],
      ]);
  }
}

const accountKey = (identifier: string | undefined) => (identifier ?? "").trim().toLowerCase();

/** A failed sign-in for `identifier`: counts against that account whichever address it came from. */
export function signInFailed(identifier: string): void {
  limits.signInFailuresByAccount.take(accountKey(identifier));
}
