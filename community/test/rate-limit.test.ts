import { describe, expect, it } from "vitest";
import { TokenBuckets, takeAll } from "../src/lib/security/rate-limit.ts";

const clock = () => {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe("token buckets", () => {
  it("allows a burst of `capacity`, then refuses with the seconds until the next token", () => {
    const time = clock();
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 0.1, now: time.now });
    expect([1, 2, 3].map(() => buckets.take("ip").ok)).toEqual([true, true, true]);
    expect(buckets.take("ip")).toEqual({ ok: false, retryAfterSeconds: 10 });
    time.advance(4000);
    expect(buckets.take("ip")).toEqual({ ok: false, retryAfterSeconds: 6 });
    time.advance(6000);
    expect(buckets.take("ip").ok).toBe(true);
    expect(buckets.take("ip").ok).toBe(false);
  });

  it("keeps keys apart", () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, now: clock().now });
    expect(buckets.take("a").ok).toBe(true);
    expect(buckets.take("a").ok).toBe(false);
    expect(buckets.take("b").ok).toBe(true);
  });

  it("refills no further than capacity", () => {
    const time = clock();
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1, now: time.now });
    buckets.take("k");
    time.advance(3_600_000);
    expect([1, 2, 3].map(() => buckets.take("k").ok)).toEqual([true, true, false]);
  });

  it("forgets the least recently used keys past maxKeys, so a flood of addresses cannot grow memory", () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001, maxKeys: 100, now: clock().now });
    for (let i = 0; i < 1000; i++) buckets.take(`ip-${i}`);
    expect(buckets.size).toBe(100);
  });

  it("charges every bucket and refuses when any is empty, with the longest wait", () => {
    const time = clock();
    const byIp = new TokenBuckets({ capacity: 10, refillPerSecond: 1, now: time.now });
    const byAccount = new TokenBuckets({ capacity: 2, refillPerSecond: 0.05, now: time.now });
    const attempt = (ip: string) =>
      takeAll([
        [byIp, ip],
        [byAccount, "alice"],
      ]);
    expect(attempt("1.1.1.1").ok).toBe(true);
    expect(attempt("2.2.2.2").ok).toBe(true);
    // A third address does not help against the per-account bucket.
    expect(attempt("3.3.3.3")).toEqual({ ok: false, retryAfterSeconds: 20 });
  });
});

describe("the community's sign-in limit", () => {
  it("charges the address only: nothing here counts against an account, so nobody can lock its owner out", async () => {
    const { limit } = await import("../src/lib/security/limits.ts");
    // Twenty attempts from one address for one account (the CMS counts the failures, per account and address)…
    for (let i = 0; i < 20; i++) expect(limit("signIn", "10.0.3.1").ok).toBe(true);
    expect(limit("signIn", "10.0.3.1").ok).toBe(false);
    // …and the owner, from their own address, is not refused by anything the community counted.
    expect(limit("signIn", "10.0.3.2").ok).toBe(true);
  });
});
