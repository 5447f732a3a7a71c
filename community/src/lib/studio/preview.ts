import { checkPreview, type PreviewCheck } from "@inkstone/config/preview";
import { SECURITY_HEADERS } from "../../middleware/headers.ts";
import type { StudioTarget } from "../cms/studio.ts";
import { env } from "../env.ts";

/**
 * The signed preview page (src/pages/[locale]/preview/[documentId].astro): the CMS admin's Preview button opens it in
 * an iframe, with a link the CMS signed (config/src/preview.ts) that expires.
 */

/** Whether the link's `expires` and `signature` are the CMS's for this draft, and still valid. */
export function checkPreviewLink(target: StudioTarget, url: URL, now = Date.now()): PreviewCheck {
  const { searchParams } = url;
  return checkPreview(
    env().COMMUNITY_WEBHOOK_SECRET,
    target,
    searchParams.get("expires"),
    searchParams.get("signature"),
    now,
  );
}

/**
 * The origin browsers reach the CMS admin at: CMS_PUBLIC_URL when the community's environment has it, else CMS_URL
 * (the same address wherever the two do not differ, as under `npm start`).
 */
export function cmsAdminOrigin(): string {
  const { CMS_URL, CMS_PUBLIC_URL } = env();
  return new URL(CMS_PUBLIC_URL ?? CMS_URL).origin;
}

/**
 * The preview's own headers: never cached nor indexed, and framed by the CMS admin only. Every other page keeps
 * `frame-ancestors 'none'` (src/middleware/headers.ts), which sets only what a page did not set itself.
 */
export function previewHeaders(): Record<string, string> {
  const policy = SECURITY_HEADERS["content-security-policy"] ?? "";
  return {
    "content-security-policy": policy.replace("frame-ancestors 'none'", `frame-ancestors ${cmsAdminOrigin()}`),
    "x-robots-tag": "noindex, nofollow",
    "cache-control": "private, no-store",
  };
}
