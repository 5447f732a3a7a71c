import type { Locale } from "@inkstone/config";
import type { AstroGlobal } from "astro";
import { setFlash } from "./auth/flash.ts";
import type { Session } from "./auth/session.ts";
import { env } from "./env.ts";
import { asLocale, paths } from "./i18n/index.ts";

/** Helpers the pages share: their locale, cache declaration, sign-in gate, paging and absolute URLs. */

/** The page's locale from its `[locale]` segment; undefined means the page answers 404. */
export function pageLocale(Astro: AstroGlobal): Locale | undefined {
  return asLocale(Astro.params.locale);
}

/** Declares the page public: its anonymous responses are cached (in process and by CDNs) until `tags` change. */
export function publicPage(Astro: AstroGlobal, tags: string[]): void {
  Astro.locals.cache = { tags };
}

/**
 * The signed-in member, or a redirect to sign in that comes back here. A message for this page (such as "your session
 * has ended") goes along to the sign-in page instead of being lost with the redirect.
 */
export function requireMember(Astro: AstroGlobal, locale: Locale): Session | Response {
  const session = Astro.locals.session;
  if (session) return session;
  if (Astro.locals.flash) setFlash(Astro.cookies, Astro.locals.flash);
  return new Response(null, {
    status: 303,
    headers: {
      location: paths.signIn(locale, Astro.url.pathname + Astro.url.search),
      "cache-control": "private, no-store",
    },
  });
}

/** `?page=` as a page number from 1 to 500; anything else is page 1. */
export function pageNumber(url: URL): number {
  const n = Number(url.searchParams.get("page"));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 1;
}

/** An absolute URL on the community's public origin. */
export function absolute(path: string): string {
  return new URL(path, `${env().COMMUNITY_URL}/`).toString();
}

/** A slug, handle or id as it may appear in a path: letters (any script), digits, - and _; nothing else. */
export function validSegment(value: string | undefined, max = 200): string | undefined {
  if (!value || value.length > max) return undefined;
  return /^[\p{L}\p{N}_-]+$/u.test(value) ? value : undefined;
}
