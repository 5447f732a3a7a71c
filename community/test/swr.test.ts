import { describe, expect, it } from "vitest";
import { SwrCache } from "../src/lib/cache/swr.ts";

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

function setup() {
  const time = clock();
  const cache = new SwrCache<string>({ freshMs: 1000, staleMs: 10_000, retryMs: 500, now: time.now });
  return { time, cache };
}

describe("stale-while-revalidate cache", () => {
  it("serves an entry fresh, then stale, then forgets it past the stale window", async () => {
    const { time, cache } = setup();
    await cache.refresh("k", async () => ({ value: "v1", tags: ["t"] }));
    expect(cache.lookup("k")?.state).toBe("fresh");
    time.advance(1001);
    expect(cache.lookup("k")?.state).toBe("stale");
    time.advance(10_000);
    expect(cache.lookup("k")).toBeUndefined();
  });

  it("runs one refresh per key however many ask, and serves the old value meanwhile", async () => {
    const { time, cache } = setup();
    await cache.refresh("k", async () => ({ value: "v1", tags: [] }));
    time.advance(2000);
    const gate = deferred<{ value: string; tags: string[] }>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const first = cache.refresh("k", load);
    const second = cache.refresh("k", load);
    expect(cache.shouldRefresh("k")).toBe(false);
    expect(loads).toBe(1);
    expect(cache.lookup("k")?.entry.value).toBe("v1");
    gate.resolve({ value: "v2", tags: [] });
    expect((await first)?.value).toBe("v2");
    expect(await second).toBe(await first);
    expect(cache.lookup("k")).toMatchObject({ state: "fresh", entry: { value: "v2" } });
  });

  it("keeps the stale value when the source fails, and waits before asking again", async () => {
    const { time, cache } = setup();
    await cache.refresh("k", async () => ({ value: "v1", tags: [] }));
    time.advance(2000);
    expect(await cache.refresh("k", async () => Promise.reject(new Error("CMS down")))).toBeUndefined();
    expect(cache.lookup("k")).toMatchObject({ state: "stale", entry: { value: "v1" } });
    expect(cache.shouldRefresh("k")).toBe(false);
    time.advance(500);
    expect(cache.shouldRefresh("k")).toBe(true);
    expect(await cache.refresh("k", async () => undefined)).toBeUndefined();
    expect(cache.lookup("k")?.entry.value).toBe("v1");
  });

  it("invalidates by tag: those entries must be reloaded, but stay available as a fallback", async () => {
    const { cache } = setup();
    await cache.refresh("a", async () => ({ value: "a1", tags: ["article:1", "list:en"] }));
    await cache.refresh("b", async () => ({ value: "b1", tags: ["article:2"] }));
    expect(cache.invalidate(["article:1"])).toBe(1);
    expect(cache.lookup("a")).toMatchObject({ state: "invalidated", entry: { value: "a1" } });
    expect(cache.lookup("b")?.state).toBe("fresh");
    await cache.refresh("a", async () => ({ value: "a2", tags: ["article:1"] }));
    expect(cache.lookup("a")).toMatchObject({ state: "fresh", entry: { value: "a2" } });
  });

  it("does not let a load that overlapped an invalidation pass as fresh", async () => {
    const { cache } = setup();
    const gate = deferred<{ value: string; tags: string[] }>();
    const loading = cache.refresh("k", () => gate.promise);
    cache.invalidate(["anything"]);
    gate.resolve({ value: "maybe-old", tags: ["t"] });
    await loading;
    expect(cache.lookup("k")?.state).toBe("invalidated");
  });

  it("drops the oldest entries past maxEntries", async () => {
    const cache = new SwrCache<number>({ freshMs: 1000, staleMs: 1000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) await cache.refresh(`k${i}`, async () => ({ value: i, tags: [] }));
    expect(cache.size).toBe(3);
    expect(cache.lookup("k0")).toBeUndefined();
    expect(cache.lookup("k4")?.entry.value).toBe(4);
  });

  it("drops the oldest entries past maxWeight, counting a replaced or deleted entry's weight once", async () => {
    const cache = new SwrCache<string>({ freshMs: 1000, staleMs: 1000, maxWeight: 10, weigh: (v) => v.length });
    await cache.refresh("a", async () => ({ value: "aaaa", tags: [] }));
    await cache.refresh("b", async () => ({ value: "bbbb", tags: [] }));
    expect(cache.weight).toBe(8);
    await cache.refresh("a", async () => ({ value: "aaaaa", tags: [] }));
    expect([cache.weight, cache.size]).toEqual([9, 2]);
    await cache.refresh("c", async () => ({ value: "ccc", tags: [] }));
    // 12 > 10: the oldest stored (b) goes.
    expect(cache.lookup("b")).toBeUndefined();
    expect([cache.weight, cache.size]).toEqual([8, 2]);
    cache.delete("a");
    expect(cache.weight).toBe(3);
  });
});
