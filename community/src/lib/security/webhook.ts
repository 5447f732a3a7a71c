import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-inkstone-signature";
export const TIMESTAMP_HEADER = "x-inkstone-timestamp";
/** A signed call older (or further in the future) than this is refused, so a captured one cannot be replayed later. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** The signature the CMS sends: `sha256=` HMAC-SHA256 over `${timestamp}.${rawBody}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = {
  secret: string;
  timestamp: string | null;
  signature: string | null;
  body: string;
  now?: number;
};

/** True when `signature` is the CMS's signature of `body` at `timestamp`, and `timestamp` is within five minutes. */
export function verifyWebhook({ secret, timestamp, signature, body, now = Date.now() }: SignatureCheck): boolean {
  if (!timestamp || !signature || !/^\d{1,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; comparing lengths first leaks only the length, which is public.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
