import type { MiddlewareHandler } from "astro";
import { FLASH_COOKIE } from "../lib/auth/flash.ts";
import { isSessionId, SESSION_COOKIE, type Session, tokenHashOf } from "../lib/auth/session.ts";
import { memberShells } from "../lib/cache/page-cache.ts";
import { CmsError } from "../lib/cms/errors.ts";
import { type PersonalState, personalState } from "../lib/personal.ts";
import { hasMarks, personalize } from "../lib/personal-marks.ts";
import { currentRequest, requestLog } from "../lib/request-context.ts";
import { changeToAwait, memberCachesUsable, personalCache, sessionCache } from "../lib/store/replica.ts";
import { cacheKey, PAGES } from "./cache.ts";

const EMPTY: PersonalState = { likes: new Set(), bookmarks: new Set(), authors: new Set(), tags: new Set(), unread: 0 };

/** The member's state; when the CMS cannot say right now, the page still shows, with nothing marked as theirs. */
async function stateOf(session: Session): Promise<PersonalState> {
  try {
    return await personalState(session);
  } catch (error) {
    // A session the CMS no longer honours is for the errors middleware to end; anything else is an outage.
    if (error instanceof CmsError && error.code !== "cms_unavailable" && error.code !== "bad_response") throw error;
    requestLog().warn({ err: error }, "the member's state is unavailable; the page shows none of it");
    return EMPTY;
  }
}

async function personalized(html: string, session: Session, init: ResponseInit): Promise<Response> {
  const body = personalize(html, { state: await stateOf(session), handle: session.handle });
  const headers = new Headers(init.headers);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.delete("content-length");
  return new Response(body, { ...init, headers });
}

/**
 * A signed-in member's pages: rendered as shells that are the same for every member (src/lib/personal-marks.ts),
 * then personalized. The shell of a public page is kept and shared, tagged and invalidated like the visitors' copy,
 * so most member pages cost a cache lookup and a string pass — no rendering, no CMS call but the member's own small
 * state, itself kept for 30 s. A pending form message makes the render this member's own (not kept). Innermost, after
 * the session is known.
 */
export function memberPagesMiddleware(bypass: () => boolean): MiddlewareHandler {
  return async (context, next) => {
    const { locals, request, url } = context;
    const session = locals.session;
    if (!session) return next();
    const shareable = request.method === "GET" && PAGES.test(url.pathname) && !locals.flash && !bypass();
    const key = cacheKey(url);
    if (shareable) {
      const hit = memberShells.lookup(key);
      if (hit?.state === "fresh") return personalized(hit.entry.value, session, { status: 200 });
    }
    const response = await next();
    if (!response.headers.get("content-type")?.startsWith("text/html")) return response;
    const html = await response.text();
    const init = { status: response.status, statusText: response.statusText, headers: response.headers };
    // Rendered from a last good copy of some data: shown, not kept.
    if (shareable && response.status === 200 && locals.cache && !currentRequest()?.degraded) {
      const tags = locals.cache.tags;
      void memberShells.refresh(key, async () => ({ value: html, tags }));
    }
    if (!hasMarks(html)) return new Response(html, init);
    return personalized(html, session, init);
  };
}

/** The value of cookie `name` in a Cookie header (the first, as Astro reads it). */
function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * For the front door (./front-door.ts): the page under `key` for the member whose Cookie header is `cookie`, when
 * everything it takes is already in this replica's memory — their session, their state and a fresh shell — else
 * undefined, and the request goes through Astro (which fills what was missing). Nothing here is asked of anyone.
 */
export function memberPageFromMemory(cookie: string, key: string): string | undefined {
  if (cookie.includes(`${FLASH_COOKIE}=`) || !memberCachesUsable() || changeToAwait(cookie) !== undefined)
    return undefined;
  const id = cookieValue(cookie, SESSION_COOKIE);
  if (!id || !isSessionId(id)) return undefined;
  const session = sessionCache.get(tokenHashOf(id)) as Session | undefined;
  if (!session || !(Date.parse(session.expiresAt) > Date.now())) return undefined;
  const state = personalCache.get(session.userId) as PersonalState | undefined;
  const shell = memberShells.lookup(key);
  if (!state || shell?.state !== "fresh") return undefined;
  return personalize(shell.entry.value, { state, handle: session.handle });
}
