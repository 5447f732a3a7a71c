import type { MiddlewareHandler } from "astro";
import { cookieOptions } from "../lib/auth/session.ts";
import { currentRequest, requestLog } from "../lib/request-context.ts";
import { changes, changeToAwait, SEEN_COOKIE, SEEN_SECONDS, startReplica } from "../lib/store/replica.ts";

let started: Promise<void> | undefined;

/** How long a request waits for this replica to hear a change its sender made elsewhere. */
const CATCH_UP_MS = 1000;

/** Adds Set-Cookie to a response (copied once when its headers are immutable, as a redirect's are). */
function withCookie(response: Response, cookie: string): Response {
  try {
    response.headers.append("set-cookie", cookie);
    return response;
  } catch {
    // Immutable headers (a Response.redirect from somewhere): copy the response once.
    const copy = new Response(response.body, response);
    copy.headers.append("set-cookie", cookie);
    return copy;
  }
}

/**
 * Joins the other replicas before the first request is answered: listening on the change channel must begin before
 * anything is cached, or a change announced meanwhile could be missed; a store that is down delays only the first
 * request (by its connect timeout) and is retried in the background.
 *
 * Read-your-writes across replicas: a request that announced changes (a like, a comment, a sign-out) answers with
 * the last one's number in a short-lived cookie; a replica that gets a request carrying a number it has not heard yet
 * waits for it (milliseconds; at most a second) before looking at any cache.
 */
export const replicaMiddleware: MiddlewareHandler = async (context, next) => {
  if (!started) started = startReplica();
  await started;
  const awaited = changeToAwait(context.request.headers.get("cookie"));
  if (awaited !== undefined && !(await changes().caughtUp(awaited, CATCH_UP_MS)))
    requestLog().warn({ change: awaited }, "this replica has not heard of the sender's last change; answering anyway");
  const response = await next();
  const seen = currentRequest()?.seen;
  if (seen === undefined) return response;
  // The session cookie's attributes (httpOnly, SameSite=Lax, Secure over https), for a minute.
  const secure = cookieOptions(SEEN_SECONDS).secure ? "; Secure" : "";
  return withCookie(
    response,
    `${SEEN_COOKIE}=${seen}; Path=/; Max-Age=${SEEN_SECONDS}; HttpOnly; SameSite=Lax${secure}`,
  );
};
