import { describe, expect, it } from "vitest";
import { Deliveries } from "../src/lib/security/deliveries.ts";

const WINDOW = 5 * 60 * 1000;

function clock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("webhook deliveries", () => {
  it("accepts a delivery once; its id or its signature again is a replay", () => {
    const time = clock();
    const deliveries = new Deliveries({ windowMs: WINDOW, now: time.now });
    const keys = Deliveries.keys("delivery-1", "sha256=aa");
    expect(deliveries.claim(keys)).toBe(true);
    deliveries.accept(keys, time.now());
    expect(deliveries.claim(keys)).toBe(false);
    // The id is not signed: a replay under a fresh id still carries the captured signature.
    expect(deliveries.claim(Deliveries.keys("delivery-2", "sha256=aa"))).toBe(false);
    expect(deliveries.claim(Deliveries.keys("delivery-1", "sha256=bb"))).toBe(false);
    expect(deliveries.claim(Deliveries.keys("delivery-3", "sha256=cc"))).toBe(true);
  });

  it("refuses a copy arriving while the first is being handled, and lets a failed one be retried", () => {
    const deliveries = new Deliveries({ windowMs: WINDOW, now: clock().now });
    const keys = Deliveries.keys("d", "s");
    expect(deliveries.claim(keys)).toBe(true);
    expect(deliveries.claim(keys)).toBe(false);
    deliveries.release(keys);
    expect(deliveries.claim(keys)).toBe(true);
  });

  it("forgets a delivery once its signature could no longer verify, and keeps at most maxEntries", () => {
    const time = clock();
    const deliveries = new Deliveries({ windowMs: WINDOW, maxEntries: 100, now: time.now });
    const keys = Deliveries.keys("old", "sig-old");
    deliveries.claim(keys);
    deliveries.accept(keys, time.now());
    time.advance(WINDOW - 1);
    expect(deliveries.claim(keys)).toBe(false);
    time.advance(2);
    expect(deliveries.claim(keys)).toBe(true);
    for (let i = 0; i < 500; i++) {
      const many = Deliveries.keys(`d${i}`, `s${i}`);
      deliveries.claim(many);
      deliveries.accept(many, time.now());
    }
    expect(deliveries.size).toBe(100);
  });
});
