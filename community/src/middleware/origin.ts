import type { MiddlewareHandler } from "astro";
import { refusal } from "../lib/responses.ts";
import { checkOrigin } from "../lib/security/origin.ts";

/**
 * Server-to-server calls authenticated otherwise (the CMS's webhook and the worker's answer events are HMAC-signed),
 * so no browser Origin applies.
 */
const EXEMPT = /^\/api\/(?:revalidate|answers\/[^/]+\/events)$/;

/** Refuses (403, with the reason) any state-changing request that does not come from the community's own pages. */
export function originGuard(publicUrl: () => string): MiddlewareHandler {
  return (context, next) => {
    if (EXEMPT.test(context.url.pathname)) return next();
    const verdict = checkOrigin(context.request, publicUrl());
    if (!verdict.ok) return refusal(context.request, 403, "cross_origin", verdict.reason);
    return next();
  };
}
