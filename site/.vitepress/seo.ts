import type { HeadConfig, SiteConfig } from "vitepress";

/** A page's public path under cleanUrls: `en/guide/intro.md` → `/en/guide/intro`, `en/index.md` → `/en/`. */
export function pathOf(relativePath: string): string {
  return `/${relativePath.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "")}`;
}

/** The locale a page belongs to: its first folder when that names a locale, else the root locale. */
export function localeOf(relativePath: string, locales: Record<string, unknown>): string {
  const first = relativePath.split("/")[0] ?? "";
  return first !== "root" && relativePath.includes("/") && first in locales ? first : "root";
}

export type Alternate = { lang: string; path: string };

/**
 * The same page in every locale that has it, in the order the locales are configured. Pages are matched the way
 * VitePress's sitemap matches them (the path without its locale folder), so the head and the sitemap agree.
 */
export function alternatesOf(relativePath: string, config: SiteConfig): Alternate[] {
  const locales = config.site.locales;
  const withoutLocale = (page: string) => {
    const locale = localeOf(page, locales);
    return locale === "root" ? page : page.slice(locale.length + 1);
  };
  const target = withoutLocale(relativePath);
  const published = config.pages.map((page) => config.rewrites.map[page] ?? page);
  return Object.keys(locales).flatMap((locale) => {
    const page = published.find((p) => localeOf(p, locales) === locale && withoutLocale(p) === target);
    const lang = locales[locale]?.lang;
    return page && lang ? [{ lang, path: pathOf(page) }] : [];
  });
}

export type PageMeta = {
  siteUrl: string;
  siteName: string;
  path: string;
  lang: string;
  title: string;
  description: string;
  alternates: Alternate[];
  /** The language search engines are sent to when none of the alternates matches the reader's. */
  defaultLang: string;
  /** Open Graph type: `website` for home pages, `article` for the docs. */
  type: "website" | "article";
};

/** Canonical URL, hreflang alternates, Open Graph and Twitter tags for one page. */
export function seoHead(page: PageMeta): HeadConfig[] {
  const url = (path: string) => `${page.siteUrl}${path}`;
  const fallback = page.alternates.find((alternate) => alternate.lang === page.defaultLang);
  const ogLocale = (lang: string) => lang.replace("-", "_");
  return [
    ["link", { rel: "canonical", href: url(page.path) }],
    ...page.alternates.map(
      ({ lang, path }): HeadConfig => ["link", { rel: "alternate", hreflang: lang, href: url(path) }],
    ),
    ...(fallback
      ? [["link", { rel: "alternate", hreflang: "x-default", href: url(fallback.path) }] as HeadConfig]
      : []),
    ["meta", { property: "og:type", content: page.type }],
    ["meta", { property: "og:site_name", content: page.siteName }],
    ["meta", { property: "og:locale", content: ogLocale(page.lang) }],
    ...page.alternates
      .filter(({ lang }) => lang !== page.lang)
      .map(({ lang }): HeadConfig => ["meta", { property: "og:locale:alternate", content: ogLocale(lang) }]),
    ["meta", { property: "og:title", content: page.title }],
    ["meta", { property: "og:description", content: page.description }],
    ["meta", { property: "og:url", content: url(page.path) }],
    ["meta", { name: "twitter:card", content: "summary" }],
    ["meta", { name: "twitter:title", content: page.title }],
    ["meta", { name: "twitter:description", content: page.description }],
  ];
}

type SitemapItem = { url: string; links?: { lang: string; url: string }[] };

/** A sitemap entry whose translations also name the default locale's page as `x-default`, as the head does. */
export function withDefaultAlternate<T extends SitemapItem>(item: T, defaultLang: string): T {
  const fallback = item.links?.find((link) => link.lang === defaultLang);
  if (!item.links || !fallback) return item;
  return { ...item, links: [...item.links, { lang: "x-default", url: fallback.url }] };
}
