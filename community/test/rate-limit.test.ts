import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../src/lib/store/pool.ts";
import { type Bucket, RateLimiter } from "../src/lib/store/rate-limits.ts";
import { clock, testStore } from "./support/store.ts";

// Token buckets in the shared store (a real PostgreSQL): what every replica charges, so limits hold in total.
describe("rate limits in the shared store", () => {
  let opened: Awaited<ReturnType<typeof testStore>>;
  const store = (): Store => opened.store;
  beforeAll(async () => {
    opened = await testStore();
  });
  afterAll(() => opened?.close());

  let n = 0;
  /** A bucket of its own per test, so tests sharing the database do not share tokens. */
  const bucket = (capacity: number, refillPerSecond: number): Bucket => ({
    name: `test-${++n}`,
    capacity,
    refillPerSecond,
  });

  it("allows a burst of `capacity`, then refuses with the seconds until the next token", async () => {
    const time = clock();
    const limiter = new RateLimiter(store, time.now);
    const b = bucket(3, 0.1);
    const take = () => limiter.take([[b, "ip"]]);
    expect([(await take()).ok, (await take()).ok, (await take()).ok]).toEqual([true, true, true]);
    expect(await take()).toEqual({ ok: false, retryAfterSeconds: 10 });
    time.advance(4000);
    expect(await take()).toEqual({ ok: false, retryAfterSeconds: 6 });
    time.advance(6000);
    expect((await take()).ok).toBe(true);
    expect((await take()).ok).toBe(false);
  });

  it("keeps keys apart, and refills no further than capacity", async () => {
    const time = clock();
    const limiter = new RateLimiter(store, time.now);
    const b = bucket(2, 1);
    expect((await limiter.take([[b, "a"]])).ok).toBe(true);
    expect((await limiter.take([[b, "a"]])).ok).toBe(true);
    expect((await limiter.take([[b, "a"]])).ok).toBe(false);
    expect((await limiter.take([[b, "b"]])).ok).toBe(true);
    time.advance(3_600_000);
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await limiter.take([[b, "a"]])).ok);
    expect(after).toEqual([true, true, false]);
  });

  it("charges every bucket and refuses when any is empty, with the longest wait", async () => {
    const limiter = new RateLimiter(store, clock().now);
    const byIp = bucket(10, 1);
    const byAccount = bucket(2, 0.05);
    const attempt = (ip: string) =>
      limiter.take([
        [byIp, ip],
        [byAccount, "alice"],
      ]);
    expect((await attempt("1.1.1.1")).ok).toBe(true);
    expect((await attempt("2.2.2.2")).ok).toBe(true);
    // A third address does not help against the per-account bucket.
    expect(await attempt("3.3.3.3")).toEqual({ ok: false, retryAfterSeconds: 20 });
  });

  it("holds in total across limiters (replicas): 10 allowed of 40 sent at once from four of them", async () => {
    const b = bucket(10, 0.001);
    const replicas = [1, 2, 3, 4].map(() => new RateLimiter(store));
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % 4]?.take([[b, "10.0.0.1"]])));
    expect(verdicts.filter((v) => v?.ok).length).toBe(10);
  });

  it("sweeps only buckets that are full again (forgetting them changes nothing)", async () => {
    const time = clock();
    const limiter = new RateLimiter(store, time.now);
    const b = bucket(5, 1);
    await limiter.take([[b, "sweep"]]);
    await limiter.take([[b, "sweep"]]);
    time.advance(1000);
    await limiter.sweep();
    const count = async () =>
      (await store().pool.query("SELECT count(*)::int AS n FROM rate_buckets WHERE key = $1", [`${b.name}:sweep`]))
        .rows[0].n;
    expect(await count()).toBe(1);
    time.advance(1001);
    await limiter.sweep();
    expect(await count()).toBe(0);
  });
});
