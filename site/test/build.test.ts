import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const site = join(import.meta.dirname, "..");
// Public URLs as a deployment would set them, so every absolute link in the output is checked against them.
const SITE_URL = "https://docs.inkstone.test";
const COMMUNITY_URL = "https://community.inkstone.test";

const PAGES = ["/", "/guide/getting-started", "/en/", "/en/guide/getting-started"];

const htmlFile = (outDir: string, page: string) =>
  join(outDir, page.endsWith("/") ? `${page}index.html` : `${page}.html`);

/** Every page VitePress rendered, as its clean URL path (`/en/guide/getting-started`), 404 aside. */
function builtPages(outDir: string): string[] {
  return readdirSync(outDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".html") && file !== "404.html" && !file.startsWith("assets"))
    .map((file) => `/${file.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`)
    .sort();
}

const headOf = (html: string) => html.slice(0, html.indexOf("</head>"));

/** An attribute value as a browser reads it (VitePress escapes `&` in some tags and not in others). */
const decodeEntities = (value: string) =>
  value.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name] ?? "'",
  );

/** The `content` of the `<meta>` in the head whose `name` or `property` is `key`. */
const meta = (html: string, key: string) => {
  const content = headOf(html).match(new RegExp(`<meta (?:name|property)="${key}" content="([^"]*)">`))?.[1];
  return content === undefined ? undefined : decodeEntities(content);
};

/** The `href` of every `<link rel="canonical">` in the head. */
const canonicals = (html: string) =>
  [...headOf(html).matchAll(/<link rel="canonical" href="([^"]*)">/g)].map((match) => match[1]);

/** The head's hreflang alternates, as `{ hreflang: href }`. */
const alternates = (html: string) =>
  Object.fromEntries(
    [...headOf(html).matchAll(/<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );

/** The local search index of one locale, as VitePress emits it for the browser (a MiniSearch JSON dump). */
async function searchTerms(outDir: string, locale: "root" | "en"): Promise<string[]> {
  const chunks = join(outDir, "assets", "chunks");
  const file = readdirSync(chunks).find((name) => name.startsWith(`@localSearchIndex${locale}.`));
  if (!file) throw new Error(`no search index for locale ${locale} in ${chunks}`);
  const module = (await import(pathToFileURL(join(chunks, file)).href)) as { default: string };
  const index = JSON.parse(module.default) as { index: [string, unknown][] };
  return index.index.map(([term]) => term);
}

/** A fresh folder inside `parent`, created with its parents. */
const freshDir = (parent: string, prefix: string) => {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
};

// The real production build, into folders of its own, so neither the source tree's dist nor a concurrent
// `vitepress dev` or `npm run build` (which share `.vitepress/.temp` and `.vitepress/cache`) is touched.
describe("docs site build", () => {
  const outDir = freshDir(tmpdir(), "inkstone-site-");
  // The server bundle imports vue and vitepress by name, so it must sit where Node resolves the workspace's packages.
  const work = freshDir(join(site, "node_modules", ".cache"), "site-build-test-");
  const html = new Map<string, string>();

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(site, "test", "build-site.ts"), outDir, work], {
      cwd: site,
      env: { ...process.env, SITE_URL, COMMUNITY_URL },
    });
    for (const page of builtPages(outDir)) html.set(page, readFileSync(htmlFile(outDir, page), "utf8"));
  }, 180_000);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("renders the home and getting-started pages of both locales, and nothing else", () => {
    expect([...html.keys()]).toEqual([...PAGES].sort());
  });

  describe.each(PAGES)("%s", (page) => {
    const lang = page.startsWith("/en/") ? "en" : "zh-CN";
    const get = () => html.get(page) ?? "";

    it("has a title, a description, a canonical URL and Open Graph and Twitter tags", () => {
      expect(get()).toMatch(/<title>[^<]{3,}<\/title>/);
      expect(meta(get(), "description")?.length).toBeGreaterThan(20);
      expect(canonicals(get())).toEqual([`${SITE_URL}${page}`]);
      expect(meta(get(), "og:title")).toBeTruthy();
      expect(meta(get(), "og:description")).toBe(meta(get(), "description"));
      expect(meta(get(), "og:url")).toBe(`${SITE_URL}${page}`);
      expect(meta(get(), "og:locale")).toBe(lang.replace("-", "_"));
      expect(meta(get(), "twitter:card")).toBe("summary");
      expect(meta(get(), "twitter:title")).toBe(meta(get(), "og:title"));
    });

    it("is marked with its language and links its translation with hreflang", () => {
      expect(get()).toContain(`<html lang="${lang}"`);
      const zhPage = page.replace(/^\/en\//, "/");
      expect(alternates(get())).toEqual({
        "zh-CN": `${SITE_URL}${zhPage}`,
        en: `${SITE_URL}${zhPage === "/" ? "/en/" : `/en${zhPage}`}`,
        "x-default": `${SITE_URL}${zhPage}`,
      });
    });
  });

  it("links both home pages into the community at COMMUNITY_URL, from the hero and the nav", () => {
    for (const page of ["/", "/en/"]) {
      const hrefs = [...(html.get(page) ?? "").matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) => match[1]);
      expect(hrefs, page).toContain(`${COMMUNITY_URL}/`);
      expect(hrefs, page).toContain(COMMUNITY_URL);
      expect(
        hrefs.filter((href) => href?.startsWith("community:")),
        page,
      ).toEqual([]);
    }
  });

  it("lists every page in the sitemap at the public hostname, and robots.txt points at it", () => {
    const sitemap = readFileSync(join(outDir, "sitemap.xml"), "utf8");
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]).sort();
    expect(locs).toEqual(PAGES.map((page) => `${SITE_URL}${page}`).sort());
    expect(readFileSync(join(outDir, "robots.txt"), "utf8")).toContain(`Sitemap: ${SITE_URL}/sitemap.xml`);
  });

  it("builds a search index per locale, with Chinese split into words", async () => {
    const zh = await searchTerms(outDir, "root");
    const en = await searchTerms(outDir, "en");
    // Whole words, not clauses: a reader typing 运行 or 测试 finds the page that says 运行全部测试.
    expect(zh).toEqual(expect.arrayContaining(["运行", "测试", "启动"]));
    expect(zh.filter((term) => term.length > 8 && /\p{Script=Han}/u.test(term))).toEqual([]);
    expect(en).toEqual(expect.arrayContaining(["install", "test", "temporal"]));
    expect(en.filter((term) => /\p{Script=Han}/u.test(term))).toEqual([]);
  });
});
