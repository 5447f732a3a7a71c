import { sequence } from "astro:middleware";
import { cacheBypassed, pageCache } from "../lib/cache/page-cache.ts";
import { env } from "../lib/env.ts";
import { logger } from "../lib/log.ts";
import { type TrustedProxies, trustedProxies } from "../lib/security/client-address.ts";
import { cacheMiddleware } from "./cache.ts";
import { compressionMiddleware } from "./compression.ts";
import { errorsMiddleware } from "./errors.ts";
import { frontDoor, installFrontDoor } from "./front-door.ts";
import { headersMiddleware } from "./headers.ts";
import { inputGuard } from "./input.ts";
import { memberPagesMiddleware } from "./member-pages.ts";
import { originGuard } from "./origin.ts";
import { replicaMiddleware } from "./replica.ts";
import { requestMiddleware } from "./request.ts";
import { sessionMiddleware } from "./session.ts";

let proxies: TrustedProxies | undefined;

installFrontDoor(frontDoor(pageCache, cacheBypassed));

/**
 * Outermost first. Every request gets its id, client address and log line; the first one has this replica join the
 * others (the change channel in the shared store); every text response is compressed on its
 * way out (cache hits arrive compressed already); a path or query holding control characters or broken encoding is
 * refused; then the page cache answers anonymous GETs of public pages before anything else runs (a hit carries its own security headers); everything else gets security headers, a 503 when the
 * CMS is down (and a clean answer when it ends a member's session), the CSRF origin check, the session, and last
 * the member's pages, from shared shells made personal (src/middleware/member-pages.ts).
 */
export const onRequest = sequence(
  requestMiddleware({ trustedProxies: () => (proxies ??= trustedProxies(env().TRUSTED_PROXIES)), log: logger }),
  replicaMiddleware,
  compressionMiddleware,
  inputGuard,
  cacheMiddleware({ cache: pageCache, bypass: cacheBypassed }),
  headersMiddleware,
  errorsMiddleware,
  originGuard(() => env().COMMUNITY_URL),
  sessionMiddleware,
  memberPagesMiddleware(cacheBypassed),
);
