import type { APIRoute } from "astro";
import { refusalCode, UNSUBSCRIBE_TOKEN, unsubscribe } from "../../../lib/cms/account.ts";
import { CmsError } from "../../../lib/cms/errors.ts";
import { clientIp, readForm } from "../../../lib/endpoint.ts";
import { failedWith } from "../../../lib/request-context.ts";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../../lib/responses.ts";
import { limit } from "../../../lib/security/limits.ts";

/** Plain text, never cached: what a mail provider (or a person trying the link) reads. */
function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store", ...headers },
  });
}

/**
 * POST /api/mail/unsubscribe?token=T — RFC 8058 one-click unsubscribe, the address in every mail's List-Unsubscribe
 * header. A mail provider posts `List-Unsubscribe=One-Click` with no cookie and no Origin, so the origin check lets
 * this route through when it carries a token (src/middleware/origin.ts): the signed token is the authority, and it
 * can do nothing but stop mail. Answers 200 plain text; a token the CMS does not know, 400.
 */
export const POST: APIRoute = async (context) => {
  const token = context.url.searchParams.get("token") ?? "";
  if (!UNSUBSCRIBE_TOKEN.test(token))
    return text(400, "This unsubscribe link is incomplete: it carries no valid token.");
  const form = await readForm(context.request, 10_000);
  // RFC 8058 section 3.1: the body says it is a one-click unsubscribe; anything else is not one.
  if (!("get" in form) || form.get("List-Unsubscribe") !== "One-Click")
    return text(400, "Expected the body List-Unsubscribe=One-Click (RFC 8058).");
  const verdict = await limit("link", clientIp(context));
  if (!verdict.ok) return text(429, "Too many requests.", { "retry-after": String(verdict.retryAfterSeconds) });
  try {
    const { category } = await unsubscribe(token, clientIp(context));
    return text(200, `Unsubscribed: ${category === "all" ? "all e-mail" : `${category} e-mail`} from Inkstone stops.`);
  } catch (error) {
    if (refusalCode(error) === "link_invalid") return text(400, "This unsubscribe link does not work.");
    if (error instanceof CmsError && error.status < 500 && error.code !== "cms_unavailable")
      return text(error.status, error.message);
    failedWith(error);
    return text(503, "Unsubscribing is not possible right now; try again shortly.", {
      "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
    });
  }
};
