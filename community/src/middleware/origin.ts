import type { MiddlewareHandler } from "astro";
import { refusal } from "../lib/responses.ts";
import { checkOrigin } from "../lib/security/origin.ts";

/**
 * Server-to-server calls authenticated otherwise (the CMS's webhook and the worker's answer events are HMAC-signed),
 * so no browser Origin applies.
 */
const EXEMPT = /^\/api\/(?:revalidate|answers\/[^/]+\/events)$/;

/**
 * RFC 8058 one-click unsubscribe: a mail provider posts to the link in a mail's List-Unsubscribe header with no Origin
 * and no cookie. The signed token in the link is the authority (and it can only stop mail), so the route is let
 * through when it carries one; without a token it is checked like any other.
 */
const ONE_CLICK = "/api/mail/unsubscribe";

/** Refuses (403, with the reason) any state-changing request that does not come from the community's own pages. */
export function originGuard(publicUrl: () => string): MiddlewareHandler {
  return (context, next) => {
    if (EXEMPT.test(context.url.pathname)) return next();
    if (context.url.pathname === ONE_CLICK && context.url.searchParams.get("token")) return next();
    const verdict = checkOrigin(context.request, publicUrl());
    if (!verdict.ok) return refusal(context.request, 403, "cross_origin", verdict.reason);
    return next();
  };
}
