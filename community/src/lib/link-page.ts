import type { AstroGlobal } from "astro";
import { checkLink, LINK_TOKEN, type LinkPurpose, type LinkStatus } from "./cms/account.ts";
import { tooMany } from "./endpoint.ts";
import { limit } from "./security/limits.ts";

export type CheckedLink = { token: string; status: LinkStatus; email: string };

/** Pages showing a link that does not work answer so: gone once expired or used, not found when it never was. */
const STATUS_CODES: Record<LinkStatus, number> = { valid: 200, expired: 410, used: 410, invalid: 404 };

/**
 * The link a page was opened with (`?token=`), as the CMS sees it — checked, never used up (only the page's button
 * does that) — and the page's status set to match. A token that is not one of ours is `invalid` without asking. A
 * Response (429) is the answer to send as is.
 */
export async function openedLink(Astro: AstroGlobal, purpose: LinkPurpose): Promise<CheckedLink | Response> {
  const token = Astro.url.searchParams.get("token") ?? "";
  const address = Astro.locals.clientAddress || "unknown";
  let checked: CheckedLink = { token, status: "invalid", email: "" };
  if (LINK_TOKEN.test(token)) {
    const verdict = await limit("link", address);
    if (!verdict.ok) return tooMany(Astro, verdict, Astro.locals.locale);
    const link = await checkLink(token, purpose, address);
    checked = { token, status: link.status, email: link.email ?? "" };
  }
  Astro.response.status = STATUS_CODES[checked.status];
  return checked;
}
