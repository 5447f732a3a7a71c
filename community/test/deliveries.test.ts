import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Deliveries } from "../src/lib/security/deliveries.ts";
import { clock, testStore } from "./support/store.ts";

const WINDOW = 5 * 60 * 1000;

// Deliveries of the CMS's webhook, remembered in the shared store (a real PostgreSQL), so no replica acts on one twice.
describe("webhook deliveries", () => {
  let opened: Awaited<ReturnType<typeof testStore>>;
  beforeAll(async () => {
    opened = await testStore();
  });
  afterAll(() => opened?.close());
  const deliveriesAt = (now: () => number) => new Deliveries({ store: () => opened.store, windowMs: WINDOW, now });

  it("accepts a delivery once; its id or its signature again is a replay, on any replica", async () => {
    const time = clock();
    const here = deliveriesAt(time.now);
    const elsewhere = deliveriesAt(time.now);
    const keys = Deliveries.keys("delivery-1", "sha256=aa");
    expect(await here.claim(keys)).toBe(true);
    await here.accept(keys, time.now());
    expect(await elsewhere.claim(keys)).toBe(false);
    // The id is not signed: a replay under a fresh id still carries the captured signature.
    expect(await elsewhere.claim(Deliveries.keys("delivery-2", "sha256=aa"))).toBe(false);
    expect(await here.claim(Deliveries.keys("delivery-1", "sha256=bb"))).toBe(false);
    expect(await here.claim(Deliveries.keys("delivery-3", "sha256=cc"))).toBe(true);
  });

  it("refuses a copy arriving while the first is being handled, and lets a failed one be retried", async () => {
    const deliveries = deliveriesAt(clock().now);
    const keys = Deliveries.keys("d-pending", "s-pending");
    expect(await deliveries.claim(keys)).toBe(true);
    expect(await deliveries.claim(keys)).toBe(false);
    await deliveries.release(keys);
    expect(await deliveries.claim(keys)).toBe(true);
  });

  it("lets exactly one of many simultaneous copies through", async () => {
    const deliveries = deliveriesAt(() => Date.now());
    const keys = Deliveries.keys("d-race", "s-race");
    const claims = await Promise.all(Array.from({ length: 8 }, () => deliveries.claim(keys)));
    expect(claims.filter(Boolean).length).toBe(1);
  });

  it("forgets a delivery once its signature could no longer verify", async () => {
    const time = clock();
    const deliveries = deliveriesAt(time.now);
    const keys = Deliveries.keys("old", "sig-old");
    await deliveries.claim(keys);
    await deliveries.accept(keys, time.now());
    time.advance(WINDOW - 1);
    expect(await deliveries.claim(keys)).toBe(false);
    time.advance(2);
    expect(await deliveries.sweep()).toBeGreaterThanOrEqual(2);
    expect(await deliveries.claim(keys)).toBe(true);
  });
});
