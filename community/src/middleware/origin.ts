import type { MiddlewareHandler } from "astro";
import { refusal } from "../lib/responses.ts";
import { checkOrigin } from "../lib/security/origin.ts";

/** Server-to-server calls authenticated otherwise (the CMS's webhook is HMAC-signed), so no browser Origin applies. */
const EXEMPT = new Set(["/api/revalidate"]);

/** Refuses (403, with the reason) any state-changing request that does not come from the community's own pages. */
export function originGuard(publicUrl: () => string): MiddlewareHandler {
  return (context, next) => {
    if (EXEMPT.has(context.url.pathname)) return next();
    const verdict = checkOrigin(context.request, publicUrl());
    if (!verdict.ok) return refusal(context.request, 403, "cross_origin", verdict.reason);
    return next();
  };
}
