import { TokenBuckets, takeAll, type Verdict } from "./rate-limit.ts";

const perMinute = (n: number) => n / 60;

/**
 * The community's rate limits, per client address (src/lib/security/client-address.ts) and per member. Sign-in is
 * limited here per address only: failed sign-ins per account are the CMS's to count, per (account, address) with a
 * cap per account that spares addresses the member signed in from before. A lock-out per account here would let
 * anyone lock its owner out by guessing wrong five times.
 */
const limits = {
  signUpByIp: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(10 / 60) }),
  signInByIp: new TokenBuckets({ capacity: 20, refillPerSecond: perMinute(2) }),
  commentByMember: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(6) }),
  commentByIp: new TokenBuckets({ capacity: 30, refillPerSecond: perMinute(20) }),
  reactionByMember: new TokenBuckets({ capacity: 60, refillPerSecond: 1 }),
  reactionByIp: new TokenBuckets({ capacity: 120, refillPerSecond: 2 }),
  generationByMember: new TokenBuckets({ capacity: 5, refillPerSecond: perMinute(1) }),
  generationByIp: new TokenBuckets({ capacity: 10, refillPerSecond: perMinute(2) }),
};

export type LimitedAction = "signUp" | "signIn" | "comment" | "reaction" | "generation";

/** Charges `action` to the caller's address and, where known, their member id. */
export function limit(action: LimitedAction, ip: string, who?: string): Verdict {
  switch (action) {
    case "signUp":
      return takeAll([[limits.signUpByIp, ip]]);
    case "signIn":
      return takeAll([[limits.signInByIp, ip]]);
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
