import { createHmac, timingSafeEqual } from "node:crypto";

/** Headers of a signed CMS → community call. */
export const WEBHOOK_HEADERS = {
  signature: "x-inkstone-signature",
  timestamp: "x-inkstone-timestamp",
  /** Unique per delivery (retries of one delivery reuse it), so the receiver accepts each delivery once. */
  delivery: "x-inkstone-delivery",
} as const;

/** A signed call older (or further in the future) than this is refused, so a captured one cannot be replayed later. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** `sha256=` HMAC-SHA256 over `${timestamp}.${body}`: the timestamp is signed too, so it cannot be moved. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The headers that sign `body` now; `delivery` identifies the delivery across its retries. */
export function webhookHeaders(
  secret: string,
  body: string,
  delivery: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(now);
  return {
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.delivery]: delivery,
  };
}

export type SignatureCheck = {
  secret: string;
  timestamp: string | null;
  signature: string | null;
  body: string;
  now?: number;
};

/** True when `signature` is the sender's signature of `body` at `timestamp`, and `timestamp` is within the window. */
export function verifyWebhook({ secret, timestamp, signature, body, now = Date.now() }: SignatureCheck): boolean {
  if (!timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; comparing lengths first leaks only the length, which is public.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
