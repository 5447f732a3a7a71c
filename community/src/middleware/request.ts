import { randomUUID } from "node:crypto";
import { type Logger, REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from "@inkstone/config/logger";
import type { APIContext, MiddlewareHandler } from "astro";
import { type RequestContext, withRequestContext } from "../lib/request-context.ts";
import { clientAddress, type TrustedProxies } from "../lib/security/client-address.ts";

type Options = { trustedProxies: () => TrustedProxies; log: () => Logger };

/** Health probes and static files (the ones that reach Astro: missing ones) are logged at debug, not info. */
const QUIET = /^\/(?:health$|_astro\/|favicon\.)|\.(?:css|js|mjs|map|ico|png|jpe?g|gif|svg|webp|avif|woff2?)$/;

/**
 * Requests this middleware has seen. Astro renders an error page (404, 500) for a request by running the middleware
 * again with the same Request: that second pass keeps the request's id and writes no second line.
 */
const seen = new WeakMap<Request, RequestContext>();

/** The socket's peer (Astro's clientAddress: security.allowedDomains is empty, so Astro never reads forwarded headers). */
function peerOf(context: APIContext): string | undefined {
  try {
    return context.clientAddress;
  } catch {
    // Astro throws when the adapter gave no address (never with @astrojs/node); the request is then "unknown".
    return undefined;
  }
}

function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    // Immutable headers (a Response.redirect from somewhere): copy the response once.
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    return copy;
  }
}

/**
 * Outermost: works out who is asking (src/lib/security/client-address.ts) and gives the request an id — the one a
 * trusted proxy sent, when it is well-formed, or a new one — which goes on `locals`, on the response, into every CMS
 * call and log line made for the request (through src/lib/request-context.ts). Then one line per request: method,
 * path, status and the milliseconds until the response started; at info, debug for health probes and static files,
 * error with the error for a 5xx. An error thrown below is logged here and answered with Astro's 500 page.
 */
export function requestMiddleware({ trustedProxies, log }: Options): MiddlewareHandler {
  return async (context, next) => {
    const { request, locals } = context;
    const again = seen.get(request);
    if (again) {
      locals.requestId = again.requestId;
      locals.clientAddress ??= "unknown";
      return withRequestId(await withRequestContext(again, next), again.requestId);
    }

    const started = performance.now();
    const client = clientAddress(peerOf(context), request.headers.get("x-forwarded-for"), trustedProxies());
    const offered = request.headers.get(REQUEST_ID_HEADER);
    const requestId = client.viaTrustedProxy && offered && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
    const state: RequestContext = { requestId, log: log().child({ requestId }) };
    seen.set(request, state);
    locals.requestId = requestId;
    locals.clientAddress = client.address;

    let response: Response;
    try {
      response = await withRequestContext(state, next);
    } catch (error) {
      state.error ??= error;
      // An empty 500 makes Astro render the 500 page (through this middleware again, see `seen`).
      response = new Response(null, { status: 500 });
    }

    const { status } = response;
    const path = context.url.pathname;
    const ms = Math.round(performance.now() - started);
    const line = { method: request.method, path, status, ms, cache: response.headers.get("x-cache") ?? undefined };
    const message = `${request.method} ${path} ${status} ${ms}ms`;
    const quiet = QUIET.test(path);
    // A health probe's 503 is its answer (a dependency is down), not a failure of ours: it stays at debug.
    if (status >= 500 && (state.error !== undefined || !quiet)) state.log.error({ ...line, err: state.error }, message);
    else if (quiet) state.log.debug(line, message);
    else state.log.info(line, message);
    return withRequestId(response, requestId);
  };
}
