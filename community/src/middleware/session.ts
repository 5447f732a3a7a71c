import type { MiddlewareHandler } from "astro";
import { takeFlash } from "../lib/auth/flash.ts";
import { dropSessionCookie, resolveSession, SESSION_COOKIE, type Session } from "../lib/auth/session.ts";
import { localeOfPath, t } from "../lib/i18n/index.ts";
import { announce } from "../lib/store/replica.ts";

/** Server-to-server and probe routes: a cookie sent there is not looked up. */
const NO_SESSION = new Set(["/health", "/api/revalidate"]);

/**
 * Sessions already looked up. Astro renders an error page (404, 500) by running the middleware again with the same
 * Request: that second pass reuses the answer instead of asking the store twice.
 */
const resolved = new WeakMap<Request, Session | null>();

/**
 * Who is asking (the session cookie, looked up in the CMS's session store on every request), in which language (the
 * path), and any message left by a form's redirect. A cookie the store no longer knows (signed out elsewhere,
 * expired, blocked, or from before server-side sessions) is dropped, and a page says so once. Whatever a member
 * posts (a like, a follow, a comment, marking notifications read — or a failed try) drops their personal state on
 * every replica before the answer goes back, so the page they return to shows what they did.
 */
export const sessionMiddleware: MiddlewareHandler = async (context, next) => {
  const { cookies, locals, request } = context;
  const path = context.url.pathname;
  locals.locale = localeOfPath(path);
  // Only pages show messages; an asset or API request must not swallow one.
  const isPage = request.method === "GET" && !path.startsWith("/api/");
  locals.flash = isPage ? takeFlash(cookies) : null;
  locals.session = null;
  const raw = cookies.get(SESSION_COOKIE)?.value;
  if (!raw || NO_SESSION.has(path)) return next();
  let session = resolved.get(request);
  if (session === undefined) {
    session = await resolveSession(raw);
    resolved.set(request, session);
  }
  locals.session = session;
  if (!session) {
    dropSessionCookie(cookies);
    if (isPage && !locals.flash) locals.flash = { kind: "error", message: t(locals.locale).auth.sessionEnded };
    return next();
  }
  const response = await next();
  if (request.method !== "GET" && request.method !== "HEAD") await announce({ kind: "member", userId: session.userId });
  return response;
};
