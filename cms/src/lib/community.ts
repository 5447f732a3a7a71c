import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { env } from "../env.ts";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether `given` is CMS_COMMUNITY_TOKEN, compared in constant time (both sides hashed to one length first). */
export function isCommunityCredential(given: unknown): boolean {
  if (typeof given !== "string" || !given) return false;
  return timingSafeEqual(digest(given), digest(env().CMS_COMMUNITY_TOKEN));
}

/** An IPv4 or IPv6 address as the community sends it, or undefined when the value is not one. */
export function clientAddress(given: unknown): string | undefined {
  if (typeof given !== "string") return undefined;
  const address = given.trim().toLowerCase();
  return isIP(address) ? address : undefined;
}
