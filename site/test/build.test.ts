import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SERVICE_VARIABLES, type VariableName, variableDefaults, variables } from "@inkstone/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasJava, htmlErrors } from "../../scripts/quality/vnu.ts";
import { isSecret } from "../.vitepress/config-reference.ts";
import { en } from "../en/config.ts";
import { zh } from "../zh/config.ts";
import { contrast, customProperties } from "./contrast.ts";
import {
  alternates,
  builtPages,
  canonicals,
  decodeEntities,
  headOf,
  hrefsOf,
  htmlFile,
  jsonLd,
  metaContent,
  nodesOf,
  scriptTags,
  sitemapEntries,
  titleOf,
} from "./html.ts";
import { brokenLink } from "./links.ts";
import { searchIndex, sectionsWith, shippedTokenizer } from "./search-index.ts";

const site = join(import.meta.dirname, "..");
// Public URLs as a deployment would set them, so every absolute link in the output is checked against them.
const SITE_URL = "https://docs.inkstone.test";
const COMMUNITY_URL = "https://community.inkstone.test";

// Every page of the default locale; each has an English counterpart under /en/.
const ZH_PAGES = [
  "/",
  "/guide/getting-started",
  "/guide/architecture",
  "/guide/creators",
  "/guide/editors",
  "/guide/members",
  "/guide/deployment",
  "/reference/configuration",
  "/reference/community-api",
  "/faq",
];
const english = (page: string) => (page === "/" ? "/en/" : `/en${page}`);
const PAGES = [...ZH_PAGES, ...ZH_PAGES.map(english)];
const HOMES = ["/", "/en/"];
const LOCALES = [
  { lang: "zh-CN", prefix: "/", description: zh(COMMUNITY_URL).description },
  { lang: "en", prefix: "/en/", description: en(COMMUNITY_URL).description },
] as const;
const localeOf = (page: string) => (page.startsWith("/en/") ? LOCALES[1] : LOCALES[0]);

/** A fresh folder inside `parent`, created with its parents. */
const freshDir = (parent: string, prefix: string) => {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
};

// The real production build, into folders of its own, so neither the source tree's dist nor a concurrent
// `vitepress dev` or `npm run build` (which share `.vitepress/.temp` and `.vitepress/cache`) is touched.
describe("docs site build", () => {
  // Made in beforeAll, so a run that filters every test out leaves no folder behind.
  let outDir = "";
  let work = "";
  const html = new Map<string, string>();
  const get = (page: string) => html.get(page) ?? "";

  beforeAll(async () => {
    outDir = freshDir(tmpdir(), "inkstone-site-");
    // The server bundle imports vue and vitepress by name, so it must sit where Node resolves the workspace's packages.
    work = freshDir(join(site, "node_modules", ".cache"), "site-build-test-");
    await promisify(execFile)(process.execPath, [join(site, "test", "build-site.ts"), outDir, work], {
      cwd: site,
      env: { ...process.env, SITE_URL, COMMUNITY_URL },
    });
    for (const page of builtPages(outDir)) html.set(page, readFileSync(htmlFile(outDir, page), "utf8"));
  }, 180_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("renders every page of both locales, and nothing else", () => {
    expect([...html.keys()]).toEqual([...PAGES].sort());
  });

  it("has an English page for every Chinese page, and a Chinese page for every English one", () => {
    const pages = [...html.keys()];
    const zhPages = pages.filter((page) => !page.startsWith("/en/"));
    const enPages = pages.filter((page) => page.startsWith("/en/"));
    expect(zhPages.map(english).sort()).toEqual(enPages.sort());
  });

  it.each(ZH_PAGES)("gives %s and its English page the same sections", (page) => {
    const outline = (text: string) => [...text.matchAll(/<h([1-4]) id=/g)].map((match) => match[1]).join("");
    expect(outline(get(english(page)))).toBe(outline(get(page)));
  });

  describe.each(PAGES)("%s", (page) => {
    const { lang, description } = localeOf(page);
    const url = `${SITE_URL}${page}`;

    it("has its own title and description, a canonical URL, and Open Graph and Twitter tags", () => {
      expect(titleOf(get(page)).length).toBeGreaterThan(2);
      expect(metaContent(get(page), "description")?.length).toBeGreaterThan(20);
      // Written for this page in its frontmatter, not the locale's fallback.
      expect(metaContent(get(page), "description")).not.toBe(description);
      expect(canonicals(get(page))).toEqual([url]);
      expect(metaContent(get(page), "og:title")).toBeTruthy();
      expect(metaContent(get(page), "og:description")).toBe(metaContent(get(page), "description"));
      expect(metaContent(get(page), "og:url")).toBe(url);
      expect(metaContent(get(page), "og:type")).toBe(HOMES.includes(page) ? "website" : "article");
      expect(metaContent(get(page), "og:locale")).toBe(lang.replace("-", "_"));
      expect(metaContent(get(page), "twitter:card")).toBe("summary");
      expect(metaContent(get(page), "twitter:title")).toBe(metaContent(get(page), "og:title"));
      expect(metaContent(get(page), "twitter:description")).toBe(metaContent(get(page), "description"));
    });

    it("is marked with its language and links its translation with hreflang", () => {
      expect(get(page)).toContain(`<html lang="${lang}"`);
      const zhPage = page.replace(/^\/en\//, "/");
      expect(alternates(get(page))).toEqual({
        "zh-CN": `${SITE_URL}${zhPage}`,
        en: `${SITE_URL}${english(zhPage)}`,
        "x-default": `${SITE_URL}${zhPage}`,
      });
    });

    it("describes itself in JSON-LD: Organization and WebSite at home, TechArticle in the docs", () => {
      const blocks = jsonLd(get(page));
      expect(blocks).toHaveLength(1);
      const nodes = nodesOf(blocks[0] ?? {});
      expect(blocks[0]?.["@context"]).toBe("https://schema.org");
      if (HOMES.includes(page)) {
        expect(nodes.map((node) => node["@type"])).toEqual(["Organization", "WebSite"]);
        expect(nodes[1]).toMatchObject({ url, inLanguage: lang, description: metaContent(get(page), "description") });
      } else {
        expect(nodes).toHaveLength(1);
        expect(nodes[0]).toMatchObject({
          "@type": "TechArticle",
          headline: metaContent(get(page), "og:title"),
          description: metaContent(get(page), "description"),
          url,
          inLanguage: lang,
          publisher: { "@type": "Organization" },
        });
      }
    });

    it("runs no JavaScript but VitePress's own", () => {
      const ours = scriptTags(get(page)).filter(
        (tag) =>
          !/^<script type="module" src="\/assets\/app\.[\w-]+\.js">$/.test(tag) &&
          !/^<script id="check-(dark-mode|mac-os)">$/.test(tag) &&
          tag !== '<script type="application/ld+json">' &&
          tag !== "<script>",
      );
      expect(ours).toEqual([]);
      // The one bare <script> is VitePress's route table and site data.
      const inline = [...get(page).matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
      expect(inline.every((code) => code.startsWith("window.__VP_HASH_MAP__="))).toBe(true);
    });
  });

  it.each(LOCALES)("gives every $lang page a title and description of its own", ({ prefix }) => {
    const pages = [...html.keys()].filter((page) => localeOf(page).prefix === prefix);
    for (const read of [titleOf, (page: string) => metaContent(page, "description")]) {
      const values = pages.map((page) => read(get(page)));
      expect(new Set(values).size, values.join("\n")).toBe(pages.length);
    }
  });

  it.each(PAGES)("gives %s one <main> landmark, home pages included", (page) => {
    expect(get(page).match(/<main\b/g)).toHaveLength(1);
  });

  it("puts no sidebar heading inside a role=button: the groups are not collapsible, so nothing is a button", () => {
    for (const page of PAGES.filter((page) => !HOMES.includes(page))) {
      const sidebar = get(page).match(/<aside class="VPSidebar[\s\S]*?<\/aside>/)?.[0] ?? "";
      expect(sidebar.match(/<h2 /g)?.length, page).toBe(4);
      expect(sidebar, page).not.toContain('role="button"');
      expect(sidebar, page).not.toContain('tabindex="0"');
    }
  });

  it.skipIf(!hasJava())(
    "is valid HTML on every page and the 404 page (Nu HTML Checker)",
    async () => {
      const files = [...PAGES.map((page) => htmlFile(outDir, page)), join(outDir, "404.html")];
      const errors = [...(await htmlErrors(files))].filter(([, messages]) => messages.length > 0);
      expect(Object.fromEntries(errors)).toEqual({});
    },
    60_000,
  );

  it.each(HOMES)("shows %s's screenshots as sized, lazy pictures in AVIF and WebP, the PNG as the fallback", (page) => {
    const pictures = [...get(page).matchAll(/<picture>([\s\S]*?)<\/picture>/g)].map((match) => match[1] ?? "");
    expect(pictures).toHaveLength(4);
    for (const picture of pictures) {
      const img = picture.match(/<img [^>]*>/)?.[0] ?? "";
      expect(img).toMatch(/ src="\/screenshots\/[\w-]+\.png"/);
      expect(img).toMatch(/ width="\d+" height="\d+"/);
      expect(img).toContain(' loading="lazy"');
      expect(img).toMatch(/ alt="[^"]{20,}"/);
      const types = [...picture.matchAll(/<source type="([^"]+)" srcset="([^"]+)"/g)].map((match) => match[1]);
      expect(types).toEqual(["image/avif", "image/webp"]);
      for (const [, srcset = ""] of picture.matchAll(/srcset="([^"]+)"/g))
        for (const candidate of srcset.split(", ")) {
          const [path = "", width = ""] = candidate.split(" ");
          expect(existsSync(join(outDir, path)), path).toBe(true);
          expect(path).toContain(`-${width.replace("w", "")}.`);
        }
    }
  });

  it("has a favicon: /favicon.ico for whoever asks for it, and an SVG icon in every page's head", () => {
    expect(existsSync(join(outDir, "favicon.ico"))).toBe(true);
    expect(existsSync(join(outDir, "favicon.svg"))).toBe(true);
    for (const page of PAGES) {
      expect(headOf(get(page)), page).toContain('<link rel="icon" href="/favicon.ico" sizes="32x32">');
      expect(headOf(get(page)), page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    }
  });

  describe("colour contrast (WCAG AA, 4.5:1) in both appearances", () => {
    const css = () => {
      const file = readdirSync(join(outDir, "assets")).find((name) => /^style\.[\w-]+\.css$/.test(name));
      return customProperties(readFileSync(join(outDir, "assets", file ?? "style.css"), "utf8"));
    };
    const PAIRS = [
      ["--vp-button-brand-text", "--vp-button-brand-bg"],
      ["--vp-button-brand-hover-text", "--vp-button-brand-hover-bg"],
      ["--vp-button-brand-active-text", "--vp-button-brand-active-bg"],
      ["--vp-c-brand-1", "--vp-c-bg"],
      ["--vp-c-text-2", "--vp-c-bg-alt"],
      ["--vp-code-lang-color", "--vp-code-block-bg"],
    ] as const;

    it.each(["light", "dark"] as const)("keeps text readable on its background in the %s appearance", (appearance) => {
      const color = css();
      for (const [text, background] of PAIRS) {
        const ratio = contrast(color(appearance, text), color(appearance, background));
        expect(ratio, `${text} on ${background}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
      }
    });

    it.each(["light", "dark"] as const)("highlights every code token readably in the %s appearance", (appearance) => {
      const background = css()(appearance, "--vp-code-block-bg");
      const tokens = new Set(
        [...html.values()].flatMap((text) =>
          [...text.matchAll(new RegExp(`--shiki-${appearance}:(#[0-9a-f]{6})`, "gi"))].map((m) =>
            (m[1] ?? "").toLowerCase(),
          ),
        ),
      );
      expect(tokens.size).toBeGreaterThan(3);
      const faint = [...tokens].filter((token) => contrast(token, background) < 4.5);
      expect(faint, `on ${background}`).toEqual([]);
    });
  });

  it("has no broken internal links: every href resolves to a built page, an id on it, or a file", () => {
    const pages = new Map([...html, ["/404", readFileSync(join(outDir, "404.html"), "utf8")]]);
    const broken = [...pages].flatMap(([page, text]) =>
      hrefsOf(text).flatMap((href) => {
        const reason = brokenLink({ outDir, siteUrl: SITE_URL, pages: html }, page, href);
        return reason ? [`${page}: ${href} (${reason})`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it("points community: links, in the hero, the nav and the text, at COMMUNITY_URL in the page's language, in the same tab", () => {
    for (const page of HOMES) {
      expect(hrefsOf(get(page)), page).toContain(`${COMMUNITY_URL}/`);
      expect(hrefsOf(get(page)), page).toContain(COMMUNITY_URL);
    }
    // The community's pages live under a locale: a bare /write would be its 404.
    expect(get("/guide/creators")).toContain(`<a href="${COMMUNITY_URL}/zh-CN/write" target="_self">`);
    expect(get("/en/guide/creators")).toContain(`<a href="${COMMUNITY_URL}/en/write" target="_self">`);
    const leftovers = [...html].flatMap(([page, text]) =>
      hrefsOf(text)
        .filter((href) => href.startsWith("community:"))
        .map((href) => `${page}: ${href}`),
    );
    expect(leftovers).toEqual([]);
  });

  it("dates every page in the sitemap with the time its source last changed", () => {
    const xml = readFileSync(join(outDir, "sitemap.xml"), "utf8");
    const urls = [...xml.matchAll(/<url>(.*?)<\/url>/g)].map((match) => match[1] ?? "");
    expect(urls).toHaveLength(PAGES.length);
    for (const url of urls) {
      const lastmod = url.match(/<lastmod>([^<]+)<\/lastmod>/)?.[1] ?? "";
      expect(Date.parse(lastmod), url).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(lastmod), url).toBeGreaterThan(Date.parse("2026-01-01"));
    }
  });

  it("lists every page in the sitemap with its translations as hreflang alternates", () => {
    const entries = sitemapEntries(readFileSync(join(outDir, "sitemap.xml"), "utf8"));
    expect(entries.map((entry) => entry.loc).sort()).toEqual(PAGES.map((page) => `${SITE_URL}${page}`).sort());
    for (const { loc, links } of entries) {
      const zhPage = loc.slice(SITE_URL.length).replace(/^\/en\//, "/");
      expect(links, loc).toEqual({
        "zh-CN": `${SITE_URL}${zhPage}`,
        en: `${SITE_URL}${english(zhPage)}`,
        "x-default": `${SITE_URL}${zhPage}`,
      });
    }
  });

  it("has a robots.txt that allows crawling and names the sitemap", () => {
    const robots = readFileSync(join(outDir, "robots.txt"), "utf8");
    expect(robots).toMatch(/^User-agent: \*\nAllow: \/\n/);
    expect(robots).toContain(`Sitemap: ${SITE_URL}/sitemap.xml`);
  });

  describe.each([
    {
      page: "/reference/configuration",
      heading: "变量一览",
      words: { fallback: "默认值：", noFallback: "无默认值", empty: "空字符串", required: "必填", secret: "密钥" },
      notRead: "不传给任何服务",
    },
    {
      page: "/en/reference/configuration",
      heading: "Variables",
      words: {
        fallback: "Default: ",
        noFallback: "No default",
        empty: "empty string",
        required: "required",
        secret: "secret",
      },
      notRead: "Not passed to any service",
    },
  ])("the configuration reference at $page", ({ page, heading, words, notRead }) => {
    const names = Object.keys(variables) as VariableName[];
    const defaults = variableDefaults();
    const text = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ""));
    /** Each variable's section: its heading's id, then its default, readers and description as HTML. */
    const sections = () =>
      [
        ...get(page).matchAll(
          /<h3 id="([^"]+)"[^>]*>.*?<\/h3>\s*<p class="config-variable"><span class="config-default">(.*?)<\/span> · <span class="config-readers">(.*?)<\/span><\/p>\s*<p class="config-description">(.*?)<\/p>/g,
        ),
      ].map(([, name = "", fallback = "", readers = "", description = ""]) => ({
        name,
        fallback,
        readers,
        description,
      }));

    it("has a section for exactly the variables of @inkstone/config's schema, in its order, under a translated heading", () => {
      expect(get(page)).toContain(`${heading} <a class="header-anchor"`);
      expect(sections().map((section) => section.name)).toEqual(names);
    });

    it.each(names)("shows %s's default, or marks it required, and never a secret's value", (name) => {
      const section = sections().find((candidate) => candidate.name === name);
      const fallback = defaults[name];
      const isRequired = !variables[name].safeParse(undefined).success;
      if (isSecret(name)) {
        expect(section?.fallback).not.toContain("<code>");
        expect(text(section?.fallback ?? "")).toBe(isRequired ? `${words.required}${words.secret}` : words.secret);
      } else if (fallback === "") {
        expect(text(section?.fallback ?? "")).toBe(`${words.fallback}${words.empty}`);
      } else if (fallback !== undefined) {
        expect(section?.fallback).toMatch(/<code>[^<]*<\/code>$/);
        expect(text(section?.fallback ?? "")).toBe(`${words.fallback}${fallback}`);
      } else {
        expect(text(section?.fallback ?? "")).toBe(isRequired ? words.required : words.noFallback);
      }
      const readers = Object.entries(SERVICE_VARIABLES)
        .filter(([, read]) => (read as readonly string[]).includes(name))
        .map(([service]) => service);
      const linked = [...(section?.readers ?? "").matchAll(/<a href="#service-([\w-]+)">\1<\/a>/g)].map((m) => m[1]);
      expect(linked).toEqual(readers);
      if (readers.length === 0) expect(text(section?.readers ?? "")).toBe(notRead);
      expect(text(section?.description ?? "")).toBe(variables[name].description?.replaceAll("`", ""));
    });

    it.each(Object.keys(SERVICE_VARIABLES))("lists what %s reads, linked to each variable", (service) => {
      const section = get(page).match(new RegExp(`<h3 id="service-${service}"[\\s\\S]*?</h3><p>(.*?)</p>`))?.[1];
      const linked = [...(section ?? "").matchAll(/<a href="#(\w+)">/g)].map((match) => match[1]);
      expect(linked).toEqual([...SERVICE_VARIABLES[service as keyof typeof SERVICE_VARIABLES]]);
    });
  });

  describe("local search", () => {
    it("indexes Chinese pages by their words, two-character words included", async () => {
      const zh = await searchIndex(outDir, "root");
      const terms = zh.index.map(([term]) => term);
      // ICU alone splits 槽位 and 离线 into single characters; the pairs make them findable as words.
      expect(sectionsWith(zh, "槽位")).toContain("/guide/creators#槽位");
      expect(sectionsWith(zh, "离线")).toContain("/guide/creators#the-offline-writer");
      expect(sectionsWith(zh, "队列").some((id) => id.startsWith("/guide/creators#"))).toBe(true);
      expect(sectionsWith(zh, "封禁")).toContain("/guide/editors#封禁成员");
      // Words, not clauses.
      expect(terms.filter((term) => term.length > 8 && /\p{Script=Han}/u.test(term))).toEqual([]);
    });

    it("finds a Chinese page from a query segmented by the tokenizer the browser runs", async () => {
      const zh = await searchIndex(outDir, "root");
      const tokenize = shippedTokenizer(get("/"));
      const query = tokenize("离线写作器").map((term) => term.toLowerCase());
      expect(query).toEqual(expect.arrayContaining(["离线", "写作"]));
      // MiniSearch scores a section by the query terms it holds; the offline writer's section holds all of them.
      const holdingAll = sectionsWith(zh, query[0] ?? "").filter((id) =>
        query.every((term) => sectionsWith(zh, term).includes(id)),
      );
      expect(holdingAll).toContain("/guide/creators#the-offline-writer");
    });

    it("keeps each locale in its own index", async () => {
      const zhIds = Object.values((await searchIndex(outDir, "root")).documentIds);
      const enIndex = await searchIndex(outDir, "en");
      expect(zhIds.filter((id) => id.startsWith("/en/"))).toEqual([]);
      expect(Object.values(enIndex.documentIds).filter((id) => !id.startsWith("/en/"))).toEqual([]);
      const enTerms = enIndex.index.map(([term]) => term);
      expect(enTerms).toEqual(expect.arrayContaining(["install", "queue", "temporal", "database_url"]));
      expect(enTerms).not.toContain("槽位");
    });
  });
});
