import type { OutboxEvent } from "@inkstone/config";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/index.ts";
import { coalesce, parseEvents } from "../src/sync-plan.ts";

const event = (
  id: number,
  documentId: string,
  locale: OutboxEvent["locale"],
  action: OutboxEvent["action"] = "upsert",
) => ({ id, action, documentId, locale, createdAt: "2024-01-01T00:00:00Z", attempts: 0 }) satisfies OutboxEvent;

describe("coalesce", () => {
  it("reconciles each article once, in outbox order, with every locale its rows named", () => {
    const targets = coalesce([
      event(3, "b", "en"),
      event(1, "a", "en"),
      event(2, "a", "zh-CN", "remove"),
      event(4, "a", "en"),
    ]);
    expect(targets).toEqual([
      { documentId: "a", locales: ["en", "zh-CN"], eventIds: [1, 2, 4] },
      { documentId: "b", locales: ["en"], eventIds: [3] },
    ]);
  });

  it("widens to every locale when a row names none", () => {
    expect(coalesce([event(1, "a", "en"), event(2, "a", null, "remove"), event(3, "a", "zh-CN")])).toEqual([
      { documentId: "a", locales: "all", eventIds: [1, 2, 3] },
    ]);
  });

  it("sets rows that break the contract aside by id", () => {
    expect(parseEvents([event(1, "a", "en"), { id: 2, action: "explode" }, "junk"])).toEqual({
      events: [event(1, "a", "en")],
      invalidIds: [2],
    });
  });
});

describe("backoffDelay", () => {
  const options = { baseMs: 100, maxMs: 1000 };
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [3, 0, 200],
    [3, 1, 400],
    [10, 0, 500],
    [10, 1, 1000],
  ])("failure %i with random %f waits %i ms", (failures, random, delay) => {
    expect(backoffDelay(failures, options, () => random)).toBe(delay);
  });
});
