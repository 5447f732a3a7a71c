import type { MiddlewareHandler } from "astro";

/** No scripts but our own, no framing, no plugins; inline styles are Astro's small scoped ones. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

/**
 * What a response lacks of SECURITY_HEADERS. A page that lets someone frame it in its own CSP (the signed preview,
 * framed by the CMS admin) gets no `X-Frame-Options: DENY` to contradict it.
 */
function missingHeaders(headers: Headers): [string, string][] {
  const framed = /frame-ancestors (?!'none')/.test(headers.get("content-security-policy") ?? "");
  return Object.entries(SECURITY_HEADERS).filter(
    ([name]) => !headers.has(name) && !(framed && name === "x-frame-options"),
  );
}

/** Security headers on every rendered response (cache hits carry their own copy). */
export const headersMiddleware: MiddlewareHandler = async (_context, next) => {
  const response = await next();
  try {
    for (const [name, value] of missingHeaders(response.headers)) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (a Response.redirect from somewhere): copy the response once.
    const copy = new Response(response.body, response);
    for (const [name, value] of missingHeaders(copy.headers)) copy.headers.set(name, value);
    return copy;
  }
};
