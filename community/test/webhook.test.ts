import {
  SIGNATURE_WINDOW_MS,
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  webhookHeaders,
} from "@inkstone/config/webhook";
import { describe, expect, it } from "vitest";

const secret = "a-webhook-secret-of-some-length";
const body = JSON.stringify({ model: "article", event: "publish", documentId: "abcdefghij1234567890", locale: "en" });
const now = 1_800_000_000_000;
const timestamp = String(now);
const signature = signWebhook(secret, timestamp, body);

describe("webhook signature", () => {
  it("matches the CMS's format: sha256= and the hex HMAC of the timestamp, a dot and the body", () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("accepts the CMS's signature within the window", () => {
    expect(verifyWebhook({ secret, timestamp, signature, body, now })).toBe(true);
    expect(verifyWebhook({ secret, timestamp, signature, body, now: now + SIGNATURE_WINDOW_MS })).toBe(true);
  });

  it("accepts what the CMS sends: the headers webhookHeaders builds, read back by name", () => {
    const headers = new Headers(webhookHeaders(secret, body, "delivery-1", now));
    const read = (name: string) => headers.get(name);
    expect(
      verifyWebhook({
        secret,
        timestamp: read(WEBHOOK_HEADERS.timestamp),
        signature: read(WEBHOOK_HEADERS.signature),
        body,
        now,
      }),
    ).toBe(true);
    expect(read(WEBHOOK_HEADERS.delivery)).toBe("delivery-1");
  });

  it.each([
    ["another secret", { secret: "another-secret-entirely" }],
    ["a changed body", { body: body.replace("en", "zh-CN") }],
    ["a changed timestamp", { timestamp: String(now + 1) }],
    ["a signature of a different length", { signature: `${signature}00` }],
    ["an empty signature", { signature: "" }],
    ["no signature", { signature: null }],
    ["no timestamp", { timestamp: null }],
    ["a non-numeric timestamp", { timestamp: "yesterday" }],
    ["a call older than five minutes", { now: now + SIGNATURE_WINDOW_MS + 1 }],
    ["a call from further than five minutes ahead", { now: now - SIGNATURE_WINDOW_MS - 1 }],
    ["the bare hex without the sha256= prefix", { signature: signature.slice("sha256=".length) }],
  ])("rejects %s", (_name, change) => {
    expect(verifyWebhook({ secret, timestamp, signature, body, now, ...change })).toBe(false);
  });
});
