import type { MiddlewareHandler } from "astro";
import { takeFlash } from "../lib/auth/flash.ts";
import { openSession, SESSION_COOKIE } from "../lib/auth/session.ts";
import { localeOfPath } from "../lib/i18n/index.ts";

/** Who is asking (the session cookie), in which language (the path), and any message left by a form's redirect. */
export const sessionMiddleware: MiddlewareHandler = (context, next) => {
  const { cookies, locals } = context;
  locals.locale = localeOfPath(context.url.pathname);
  const raw = cookies.get(SESSION_COOKIE)?.value;
  locals.session = openSession(raw);
  if (raw && !locals.session) cookies.delete(SESSION_COOKIE, { path: "/" });
  // Only pages show messages; an asset or API request must not swallow one.
  const isPage = context.request.method === "GET" && !context.url.pathname.startsWith("/api/");
  locals.flash = isPage ? takeFlash(cookies) : null;
  return next();
};
