import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed preview links: the CMS admin's Preview button opens `/{locale}/preview/{documentId}?expires=…&signature=…`
 * on the community, which renders the draft exactly as it would be published. The link is signed with the secret the
 * CMS and the community already share (COMMUNITY_WEBHOOK_SECRET), under a purpose of its own so a webhook signature
 * can never pass as a preview link, and it expires.
 */
export const PREVIEW_TTL_MS = 30 * 60 * 1000;

export type PreviewTarget = { documentId: string; locale: string };

function previewSignature(secret: string, { documentId, locale }: PreviewTarget, expires: number): string {
  return createHmac("sha256", secret).update(`inkstone-preview.${documentId}.${locale}.${expires}`).digest("base64url");
}

/** The path and query of a preview link valid until `now + ttlMs`. */
export function previewPath(secret: string, target: PreviewTarget, now = Date.now(), ttlMs = PREVIEW_TTL_MS): string {
  const expires = Math.floor((now + ttlMs) / 1000);
  const signature = previewSignature(secret, target, expires);
  return `/${target.locale}/preview/${target.documentId}?expires=${expires}&signature=${signature}`;
}

export type PreviewCheck = "valid" | "expired" | "invalid";

/** Whether a preview link's `expires` and `signature` are the CMS's, and still valid. */
export function checkPreview(
  secret: string,
  target: PreviewTarget,
  expires: string | null,
  signature: string | null,
  now = Date.now(),
): PreviewCheck {
  if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return "invalid";
  const expected = Buffer.from(previewSignature(secret, target, Number(expires)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  return Number(expires) * 1000 < now ? "expired" : "valid";
}
