import type { APIContext, MiddlewareHandler } from "astro";
import { peekFlash, setFlash } from "../lib/auth/flash.ts";
import { endGoneSession, sessionGone } from "../lib/auth/session-ended.ts";
import { CmsError } from "../lib/cms/errors.ts";
import { readForm, seeOther, typedIn } from "../lib/endpoint.ts";
import { localeOfPath, paths, t } from "../lib/i18n/index.ts";
import { failedWith } from "../lib/request-context.ts";
import { refusal, UNAVAILABLE_RETRY_AFTER_SECONDS, wantsJson } from "../lib/responses.ts";
import { StoreUnavailable } from "../lib/store/pool.ts";

/** A page whose member call the CMS refused: a session it no longer honours ends here, with a plain message. */
async function refused(context: APIContext, error: CmsError): Promise<Response | undefined> {
  const session = context.locals.session;
  if (!session || (error.code !== "unauthorized" && error.code !== "forbidden")) return undefined;
  const locale = localeOfPath(context.url.pathname);
  if (!(await sessionGone(error, session)))
    return refusal(context.request, 403, "forbidden", t(locale).errors.forbidden, {}, locale);
  await endGoneSession(context.cookies, session);
  context.locals.session = null;
  const message = t(locale).auth.sessionEnded;
  if (wantsJson(context.request) || context.request.method !== "GET")
    return refusal(context.request, 401, "session_ended", message, {}, locale);
  setFlash(context.cookies, { kind: "error", message });
  return seeOther(paths.signIn(locale, context.url.pathname + context.url.search));
}

/**
 * The CMS (or the replicas' shared store) being down is temporary and not our bug: pages that needed it answer 503 with Retry-After and a plain
 * message in the page's language (the page cache, outside this, serves the last good version instead when it has
 * one). A member the CMS no longer accepts (blocked, or signed out elsewhere, while this request was on its way) is
 * signed out and sent to sign in, never shown a 500. Anything else goes on to the 500 page.
 */
export const errorsMiddleware: MiddlewareHandler = async (context, next) => {
  try {
    return await next();
  } catch (error) {
    if (error instanceof StoreUnavailable) return unavailable(context, error);
    if (!(error instanceof CmsError)) throw error;
    const answer = await refused(context, error);
    if (answer) return answer;
    if (error.code !== "cms_unavailable") throw error;
    return unavailable(context, error);
  }
};

/** 503 with Retry-After: what this request needed (the CMS, or the replicas' shared store) is down for now. */
async function unavailable(context: APIContext, error: CmsError | StoreUnavailable): Promise<Response> {
  failedWith(error);
  const locale = localeOfPath(context.url.pathname);
  const code = error instanceof CmsError ? error.code : "store_unavailable";
  // Typed into the form this request posted (read here if what failed came before the endpoint, like finding the
  // session), or into one whose refusal sent the member to this page.
  const { request } = context;
  if (request.method === "POST" && !request.bodyUsed && !wantsJson(request)) await readForm(request);
  const values = typedIn(request) ?? peekFlash(context.cookies)?.values;
  const kept = values && Object.keys(values).length > 0 ? { heading: t(locale).errors.keptTyped, values } : undefined;
  const headers = { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
  return refusal(context.request, 503, code, t(locale).errors.cmsDown, headers, locale, kept);
}
