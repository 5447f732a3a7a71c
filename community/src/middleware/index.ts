import { sequence } from "astro:middleware";
import { cacheBypassed, pageCache } from "../lib/cache/page-cache.ts";
import { env } from "../lib/env.ts";
import { cacheMiddleware } from "./cache.ts";
import { errorsMiddleware } from "./errors.ts";
import { headersMiddleware } from "./headers.ts";
import { originGuard } from "./origin.ts";
import { sessionMiddleware } from "./session.ts";

/**
 * Outermost first. The page cache answers anonymous GETs of public pages before anything else runs (a hit carries
 * its own security headers); everything else gets security headers, a 503 when the CMS is down, the CSRF origin
 * check, and the session.
 */
export const onRequest = sequence(
  cacheMiddleware({ cache: pageCache, bypass: cacheBypassed }),
  headersMiddleware,
  errorsMiddleware,
  originGuard(() => env().COMMUNITY_URL),
  sessionMiddleware,
);
