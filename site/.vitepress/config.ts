import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { siteEnv } from "@inkstone/config";
import { defineConfig, type HeadConfig } from "vitepress";
import { en } from "./locales/en.ts";
import { zh } from "./locales/zh.ts";

const { SITE_URL, COMMUNITY_URL } = siteEnv();

/** `guide/getting-started.md` → `/guide/getting-started` (clean URLs; `index` is its folder). */
function pagePath(relativePath: string): string {
  return `/${relativePath.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "")}`;
}

/** The same page in the other locale: zh-CN at the root, English under /en/. */
function alternates(path: string): { zh: string; en: string } {
  const zhPath = path.startsWith("/en/") ? path.slice(3) : path === "/en" ? "/" : path;
  return { zh: zhPath, en: `/en${zhPath === "/" ? "/" : zhPath}` };
}

export default defineConfig({
  title: "Inkstone",
  cleanUrls: true,
  lastUpdated: false,
  sitemap: { hostname: SITE_URL },
  head: [["meta", { name: "theme-color", content: "#8a2d1c" }]],
  locales: {
    root: { label: "简体中文", lang: "zh-CN", ...zh(COMMUNITY_URL) },
    en: { label: "English", lang: "en", link: "/en/", ...en(COMMUNITY_URL) },
  },
  themeConfig: {
    search: { provider: "local" },
    socialLinks: [],
  },
  // Page-level SEO: canonical, hreflang alternates, Open Graph and Twitter tags from each page's own frontmatter.
  transformPageData(pageData) {
    const path = pagePath(pageData.relativePath);
    const url = (p: string) => `${SITE_URL}${p}`;
    const { zh: zhPath, en: enPath } = alternates(path);
    const title = pageData.frontmatter.title ?? pageData.title;
    const description = pageData.frontmatter.description ?? pageData.description;
    const head: HeadConfig[] = [
      ["link", { rel: "canonical", href: url(path) }],
      ["link", { rel: "alternate", hreflang: "zh-CN", href: url(zhPath) }],
      ["link", { rel: "alternate", hreflang: "en", href: url(enPath) }],
      ["link", { rel: "alternate", hreflang: "x-default", href: url(zhPath) }],
      ["meta", { property: "og:type", content: "website" }],
      ["meta", { property: "og:site_name", content: "Inkstone" }],
      ["meta", { property: "og:title", content: title }],
      ["meta", { property: "og:description", content: description }],
      ["meta", { property: "og:url", content: url(path) }],
      ["meta", { name: "twitter:card", content: "summary" }],
      ["meta", { name: "twitter:title", content: title }],
      ["meta", { name: "twitter:description", content: description }],
    ];
    pageData.frontmatter.head = [...(pageData.frontmatter.head ?? []), ...head];
  },
  // robots.txt names the sitemap at this build's own hostname.
  buildEnd({ outDir }) {
    writeFileSync(join(outDir, "robots.txt"), `User-agent: *\nAllow: /\n\nSitemap: ${SITE_URL}/sitemap.xml\n`);
  },
});
