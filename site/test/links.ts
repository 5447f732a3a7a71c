import { existsSync } from "node:fs";
import { join } from "node:path";
import { idsOf } from "./html.ts";

export type BuiltSite = {
  outDir: string;
  siteUrl: string;
  /** Each page's clean URL path and its HTML. */
  pages: Map<string, string>;
};

/**
 * Why a link found on `from` (a clean URL path) is broken, or undefined when it is not. Links leaving the site are
 * not followed. Within it, a page link must be a clean URL of a built page and its `#fragment` an id on that page;
 * anything else (assets, sitemap.xml…) must be a file in the output.
 */
export function brokenLink(site: BuiltSite, from: string, href: string): string | undefined {
  if (/^(mailto|tel):/.test(href)) return undefined;
  if (/^[a-z][a-z\d+.-]*:/i.test(href) && !/^https?:/i.test(href)) return "not a web link";
  const origin = new URL(site.siteUrl).origin;
  const url = new URL(href, `${site.siteUrl}${from}`);
  if (url.origin !== origin) return undefined;
  const path = decodeURIComponent(url.pathname);
  if (path.endsWith(".html") || path.endsWith(".md")) return "not a clean URL";
  const isPage = !/\.[a-z\d]+$/i.test(path);
  if (!isPage) return existsSync(join(site.outDir, path)) ? undefined : "no such file";
  const target = site.pages.get(path);
  if (target === undefined) return "no such page";
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (fragment && !idsOf(target).has(fragment)) return `no id "${fragment}" on ${path}`;
  return undefined;
}
