import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSessionId, newSessionId, tokenHashOf } from "../src/lib/auth/session.ts";
import { describeDevice } from "../src/lib/views/device.ts";

describe("session ids", () => {
  it("are 32 random bytes in base64url, and the store only ever sees their SHA-256", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of [...ids].slice(0, 20)) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id, "base64url")).toHaveLength(32);
      expect(isSessionId(id)).toBe(true);
      expect(tokenHashOf(id)).toBe(createHash("sha256").update(id).digest("hex"));
    }
  });

  it("refuse anything else before asking the store (old sealed cookies, garbage, padding)", () => {
    for (const value of ["", "short", `${newSessionId()}=`, `${newSessionId()}x`, "a".repeat(43).replace("a", "+")])
      expect(isSessionId(value), value).toBe(false);
  });
});

describe("the device a session was started on", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox · Linux"],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
      "Edge · Windows",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari · iOS",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
      "Chrome · Android",
    ],
    ["curl/8.5.0", "curl"],
    ["", undefined],
    [null, undefined],
  ])("%s is %s", (userAgent, expected) => {
    expect(describeDevice(userAgent)).toBe(expected);
  });
});
