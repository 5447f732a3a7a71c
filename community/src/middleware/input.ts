import type { MiddlewareHandler } from "astro";
import { inputMessage } from "../lib/endpoint.ts";
import { localeOfPath, t } from "../lib/i18n/index.ts";
import { refusal } from "../lib/responses.ts";
import { urlProblem } from "../lib/security/input.ts";
import { SECURITY_HEADERS } from "./headers.ts";

/**
 * Refuses (400, in the address's language) a request whose path or query holds a control character or broken
 * percent-encoding, before the page cache or any page sees it. (The adapter already answers a bare 400 for a URL
 * that does not decode at all; this catches what decodes into something no link should hold, such as `%00`.)
 * Bodies are checked where they are read (src/lib/endpoint.ts).
 */
export const inputGuard: MiddlewareHandler = (context, next) => {
  // The request's own URL, as sent: Astro's `context.url` is rebuilt from a decoded path, which drops tabs and
  // line breaks (the URL parser strips them) and so would hide them from this check.
  const problem = urlProblem(new URL(context.request.url));
  if (!problem) return next();
  const locale = localeOfPath(context.url.pathname);
  const message = problem.where === "path" ? t(locale).errors.badAddress : inputMessage(problem, locale);
  const code = problem.kind === "encoding" ? "bad_encoding" : "invalid_input";
  return refusal(context.request, 400, code, message, SECURITY_HEADERS, locale);
};
