import { DEFAULT_LOCALE, LOCALES, type Locale } from "@inkstone/config";
import type { APIRoute } from "astro";
import { cacheTags } from "../lib/cache/page-cache.ts";
import { allArticleSlugs, allCategories, allTags, type SitemapRow } from "../lib/cms/public.ts";
import { paths } from "../lib/i18n/index.ts";
import { absolute } from "../lib/page.ts";
import { modifiedAt } from "../lib/seo.ts";
import { xml } from "../lib/xml.ts";

type Url = { loc: string; lastmod?: string; alternates: Partial<Record<Locale, string>> };

function entry({ loc, lastmod, alternates }: Url): string {
  const links = Object.entries(alternates).map(
    ([lang, href]) => `    <xhtml:link rel="alternate" hreflang="${lang}" href="${xml(absolute(href))}"/>`,
  );
  const fallback = alternates["zh-CN"] ?? alternates.en;
  if (fallback && links.length > 1)
    links.push(`    <xhtml:link rel="alternate" hreflang="x-default" href="${xml(absolute(fallback))}"/>`);
  return `  <url>\n    <loc>${xml(absolute(loc))}</loc>\n${lastmod ? `    <lastmod>${xml(lastmod)}</lastmod>\n` : ""}${links.join("\n")}\n  </url>`;
}

const later = (a: string | undefined, b: string) => (a && Date.parse(a) >= Date.parse(b) ? a : b);

/** The lists an article appears in, as keys of `newestByList`: the feeds, its author's, its tags' and category's. */
function listsOf(row: SitemapRow): string[] {
  return [
    "",
    ...(row.author ? [`author:${row.author.handle}`] : []),
    ...row.tags.map((tag) => `tag:${tag.slug}`),
    ...(row.category ? [`category:${row.category.slug}`] : []),
  ];
}

/**
 * Every public page in both languages, each listing its translations (hreflang) and its last change: an article's
 * own, a list's that of the newest article in it. A tag, category or author page is listed in the languages it has
 * articles in (elsewhere it is an empty page); the home page and the most liked in both, always.
 */
export const GET: APIRoute = async ({ locals }) => {
  const [tags, categories, ...perLocale] = await Promise.all([
    // Slugs only, which every locale shares.
    allTags(DEFAULT_LOCALE),
    allCategories(DEFAULT_LOCALE),
    ...LOCALES.map((locale) => allArticleSlugs(locale)),
  ]);
  locals.cache = { tags: [cacheTags.sitemap, ...LOCALES.map(cacheTags.lists)] };
  const newestByList = new Map<Locale, Map<string, string>>();
  const authors = new Set<string>();
  let newestAnywhere: string | undefined;
  LOCALES.forEach((locale, i) => {
    const newest = new Map<string, string>();
    for (const row of perLocale[i] ?? []) {
      const changed = modifiedAt(row);
      for (const list of listsOf(row)) newest.set(list, later(newest.get(list), changed));
      newestAnywhere = later(newestAnywhere, changed);
      if (row.author) authors.add(row.author.handle);
    }
    newestByList.set(locale, newest);
  });

  const urls: Url[] = [];
  /** A page at the same address in every language that has it; `always`: in every language, however empty. */
  const list = (key: string, path: (l: Locale) => string, always = false) => {
    const lastmods = LOCALES.flatMap((l) => {
      const lastmod = newestByList.get(l)?.get(key) ?? (always ? newestAnywhere : undefined);
      return lastmod || always ? [[l, lastmod] as const] : [];
    });
    const alternates = Object.fromEntries(lastmods.map(([l]) => [l, path(l)]));
    for (const [l, lastmod] of lastmods) urls.push({ loc: path(l), ...(lastmod ? { lastmod } : {}), alternates });
  };
  list("", paths.home, true);
  list("", paths.top, true);
  for (const tag of tags) list(`tag:${tag.slug}`, (l) => paths.tag(l, tag.slug));
  for (const category of categories) list(`category:${category.slug}`, (l) => paths.category(l, category.slug));
  for (const handle of authors) list(`author:${handle}`, (l) => paths.author(l, handle));

  // Articles: the translations of one document point at each other.
  const byDocument = new Map<string, Partial<Record<Locale, SitemapRow>>>();
  LOCALES.forEach((locale, i) => {
    for (const row of perLocale[i] ?? [])
      byDocument.set(row.documentId, { ...byDocument.get(row.documentId), [locale]: row });
  });
  for (const rows of byDocument.values()) {
    const alternates: Partial<Record<Locale, string>> = {};
    for (const [l, row] of Object.entries(rows) as [Locale, SitemapRow][]) alternates[l] = paths.article(l, row.slug);
    for (const [l, row] of Object.entries(rows) as [Locale, SitemapRow][])
      urls.push({ loc: paths.article(l, row.slug), lastmod: modifiedAt(row), alternates });
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.map(entry).join("\n")}
</urlset>
`;
  return new Response(body, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
