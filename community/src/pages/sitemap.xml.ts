import { DEFAULT_LOCALE, LOCALES, type Locale } from "@inkstone/config";
import type { APIRoute } from "astro";
import { cacheTags } from "../lib/cache/page-cache.ts";
import { allArticleSlugs, allCategories, allTags, type SitemapRow } from "../lib/cms/public.ts";
import { paths } from "../lib/i18n/index.ts";
import { absolute } from "../lib/page.ts";
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

/** Every public page in both languages, each listing its translations (hreflang), articles with their last change. */
export const GET: APIRoute = async ({ locals }) => {
  const [tags, categories, ...perLocale] = await Promise.all([
    // Slugs only, which every locale shares.
    allTags(DEFAULT_LOCALE),
    allCategories(DEFAULT_LOCALE),
    ...LOCALES.map((locale) => allArticleSlugs(locale)),
  ]);
  locals.cache = { tags: [cacheTags.sitemap, ...LOCALES.map(cacheTags.lists)] };
  const urls: Url[] = [];
  // Same-address pages in every language: home, top, tags and categories.
  const everywhere = (path: (l: Locale) => string) => {
    const alternates = Object.fromEntries(LOCALES.map((l) => [l, path(l)]));
    for (const l of LOCALES) urls.push({ loc: path(l), alternates });
  };
  everywhere(paths.home);
  everywhere(paths.top);
  for (const tag of tags) everywhere((l) => paths.tag(l, tag.slug));
  for (const category of categories) everywhere((l) => paths.category(l, category.slug));
  const authors = new Set(perLocale.flat().flatMap((row) => (row.author ? [row.author.handle] : [])));
  for (const handle of authors) everywhere((l) => paths.author(l, handle));
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
      urls.push({ loc: paths.article(l, row.slug), lastmod: row.updatedAt, alternates });
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.map(entry).join("\n")}
</urlset>
`;
  return new Response(body, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
