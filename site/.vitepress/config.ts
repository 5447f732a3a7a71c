import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_LOCALE, siteEnv } from "@inkstone/config";
import { defineConfig } from "vitepress";
import { en } from "../en/config.ts";
import { zh, zhSearch } from "../zh/config.ts";
import { CODE_THEMES } from "./code-themes.ts";
import { communityLinks, resolveCommunityLinks } from "./community-links.ts";
import { configReferenceBlocks, inkstoneConfig } from "./config-reference.ts";
import { generatedBlocks } from "./generated-blocks.ts";
import { checkFavicon, FAVICON } from "./images.ts";
import { lastModified } from "./last-modified.ts";
import { pictures } from "./pictures.ts";
import { tokenize } from "./search.ts";
import { alternatesOf, localeOf, pathOf, seoHead, withDefaultAlternate } from "./seo.ts";
import { structuredDataHead } from "./structured-data.ts";

const { SITE_URL, COMMUNITY_URL } = siteEnv(process.env);
const SRC_DIR = join(import.meta.dirname, "..");
const PUBLIC_DIR = join(SRC_DIR, "public");
checkFavicon(PUBLIC_DIR);

/** Each page's source file, by its public path, as the build reads them (for the sitemap's dates). */
const sources = new Map<string, string>();

/** Replaces one of the default theme's components with ours (see theme/index.ts). */
const themeComponent = (name: string, file: string) => ({
  find: new RegExp(`^.*/${name}\\.vue$`),
  replacement: fileURLToPath(new URL(`./theme/${file}`, import.meta.url)),
});

export default defineConfig({
  title: "Inkstone",
  // Every locale lives in its own folder; the default one is served from the root.
  rewrites: { "zh/:rest*": ":rest*" },
  cleanUrls: true,
  // Page dates would come from git history; builds must not depend on a checkout.
  lastUpdated: false,
  sitemap: {
    hostname: SITE_URL,
    // VitePress lists each page's translations; search engines also want the one to send other languages to.
    // Every page gets a <lastmod> (VitePress would date only the pages git has committed, and only with git).
    transformItems: (items) =>
      items.map((item) => {
        const source = sources.get(`/${item.url}`);
        if (!source) throw new Error(`sitemap: no source file known for /${item.url}`);
        return { ...withDefaultAlternate(item, DEFAULT_LOCALE), lastmod: lastModified(source).toISOString() };
      }),
  },
  head: [
    ["meta", { name: "theme-color", content: "#8a2d1c" }],
    // The ICO for what asks for /favicon.ico; browsers that read SVG icons take the sharp one.
    ["link", { rel: "icon", href: FAVICON.derived, sizes: "32x32" }],
    ["link", { rel: "icon", href: FAVICON.source, type: "image/svg+xml" }],
  ],
  vite: {
    resolve: {
      alias: [themeComponent("VPSidebarItem", "SidebarItem.vue"), themeComponent("VPContent", "PageContent.vue")],
    },
  },
  locales: {
    root: { label: "简体中文", lang: DEFAULT_LOCALE, ...zh(COMMUNITY_URL) },
    en: { label: "English", lang: "en", link: "/en/", ...en(COMMUNITY_URL) },
  },
  markdown: {
    // Code colours that keep 4.5:1 on the code block's background in both appearances (see code-themes.ts).
    theme: CODE_THEMES,
    config(md) {
      // The configuration reference is generated from @inkstone/config's schema at build time, so it cannot drift.
      md.use(generatedBlocks, configReferenceBlocks(inkstoneConfig()));
      md.use(communityLinks, COMMUNITY_URL);
      md.use(pictures, PUBLIC_DIR);
    },
  },
  themeConfig: {
    search: {
      provider: "local",
      options: {
        miniSearch: { options: { tokenize } },
        locales: { root: { translations: zhSearch } },
      },
    },
  },
  transformPageData(pageData, { siteConfig }) {
    const site = siteConfig.site;
    const localeKey = localeOf(pageData.relativePath, site.locales);
    const locale = site.locales[localeKey];
    const page = {
      siteUrl: SITE_URL,
      siteName: locale?.title ?? site.title,
      path: pathOf(pageData.relativePath),
      lang: locale?.lang ?? site.lang,
      title: pageData.title,
      description: pageData.description || locale?.description || site.description,
    };
    sources.set(page.path, join(SRC_DIR, pageData.filePath));
    const home = pageData.frontmatter.layout === "home";
    const head = [
      ...seoHead({
        ...page,
        alternates: alternatesOf(pageData.relativePath, siteConfig),
        defaultLang: DEFAULT_LOCALE,
        type: home ? "website" : "article",
      }),
      structuredDataHead({
        ...page,
        homePath: localeKey === "root" ? "/" : `/${localeKey}/`,
        kind: home ? "home" : "doc",
      }),
    ];
    pageData.frontmatter.head = [...(pageData.frontmatter.head ?? []), ...head];
    resolveCommunityLinks(pageData.frontmatter, COMMUNITY_URL, pageData.relativePath);
  },
  // robots.txt names the sitemap at this build's own hostname.
  buildEnd({ outDir }) {
    writeFileSync(join(outDir, "robots.txt"), `User-agent: *\nAllow: /\n\nSitemap: ${SITE_URL}/sitemap.xml\n`);
  },
});
