import { beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { Visitor } from "./support/visitor.ts";
import { childrenNamed, childText, parseXml, type XmlElement } from "./support/xml.ts";

// How readers and crawlers find the community: per-site, per-author and per-tag feeds, the sitemap, and each page's
// title and description, against a real CMS and community.
let env: StackEnv;
let base: string;
let api: CmsApi;
let writer: Awaited<ReturnType<CmsApi["signUp"]>>;
let english: Published;
let chinese: Published;
let other: Published;
let tagSlug: string;
let otherTagSlug: string;

const LOCALES = ["en", "zh-CN"] as const;

const tagOf = async (article: Published): Promise<string> =>
  (await api.call("GET", `/api/articles/${article.documentId}?locale=${article.locale}`)).body.data.tags[0].slug;

/** The feed at `path`, read as a feed reader reads it: well-formed XML or the test fails. */
async function feed(path: string): Promise<{ channel: XmlElement; items: XmlElement[]; cache: string | null }> {
  const reply = await new Visitor(base).get(path, { accept: "application/rss+xml" });
  expect(reply.status, path).toBe(200);
  expect(reply.headers.get("content-type"), path).toBe("application/rss+xml; charset=utf-8");
  const rss = parseXml(reply.text);
  expect(rss.name).toBe("rss");
  expect(rss.attributes.version).toBe("2.0");
  const channel = childrenNamed(rss, "channel")[0] as XmlElement;
  return { channel, items: childrenNamed(channel, "item"), cache: reply.headers.get("x-cache") };
}

const links = (items: XmlElement[]) => items.map((item) => childText(item, "link"));

beforeAll(async () => {
  ({ env } = await startTestApps(["cms", "community"]));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  writer = await api.signUp("feed-writer");
  const someoneElse = await api.signUp("other-writer");
  english = await publishArticle(api, writer.user.documentId, "feed-en", {
    title: "Feeds for every writer",
    tags: ["syndication"],
  });
  chinese = await publishArticle(api, writer.user.documentId, "feed-zh", {
    locale: "zh-CN",
    title: "每位作者都有订阅源",
    summary: "订阅源让读者不错过新文章。",
    body: "## 订阅\n\n订阅源列出最新的文章 [1]。\n",
    tags: ["订阅"],
    sources: [{ title: "来源", url: "https://example.org/feeds", excerpt: "订阅源。" }],
  });
  other = await publishArticle(api, someoneElse.user.documentId, "feed-other", {
    title: "Somebody else's piece",
    tags: ["elsewhere"],
  });
  tagSlug = await tagOf(english);
  otherTagSlug = await tagOf(other);
});

describe("feeds", () => {
  it("are well-formed RSS 2.0 with a self link, a lastBuildDate, an image and their articles, in both languages", async () => {
    const zhTag = await tagOf(chinese);
    for (const locale of LOCALES) {
      const mine = locale === "en" ? english : chinese;
      const tag = locale === "en" ? tagSlug : zhTag;
      for (const path of [
        `/${locale}/rss.xml`,
        `/${locale}/authors/feed-writer/rss.xml`,
        `/${locale}/tags/${tag}/rss.xml`,
      ]) {
        const { channel, items } = await feed(path);
        const title = childText(channel, "title");
        const link = childText(channel, "link") ?? "";
        expect(title, path).toBeTruthy();
        expect(link.startsWith(`${base}/${locale}/`), path).toBe(true);
        expect(childText(channel, "description"), path).toBeTruthy();
        expect(childText(channel, "language"), path).toBe(locale);
        const self = childrenNamed(channel, "atom:link")[0]?.attributes;
        expect(self, path).toEqual({ href: `${base}${path}`, rel: "self", type: "application/rss+xml" });
        const image = childrenNamed(channel, "image")[0] as XmlElement;
        expect(
          { url: childText(image, "url"), title: childText(image, "title"), link: childText(image, "link") },
          path,
        ).toEqual({ url: `${base}/logo.png`, title, link });
        // The latest change among the items: no item is newer, and the newest is as new.
        const built = Date.parse(childText(channel, "lastBuildDate") ?? "");
        expect(Number.isNaN(built), path).toBe(false);
        const published = items.map((item) => Date.parse(childText(item, "pubDate") ?? ""));
        expect(Math.floor(Math.max(...published) / 1000) * 1000, path).toBeLessThanOrEqual(built);
        expect(links(items), path).toContain(`${base}/${locale}/a/${mine.slug}`);
        for (const item of items) {
          expect(childText(item, "title"), path).toBeTruthy();
          expect(childText(item, "guid"), path).toBe(childText(item, "link"));
        }
      }
    }
  });

  it("list only the author's or the tag's own articles", async () => {
    const byWriter = links((await feed("/en/authors/feed-writer/rss.xml")).items);
    expect(byWriter).toEqual([`${base}/en/a/${english.slug}`]);
    expect(links((await feed("/zh-CN/authors/feed-writer/rss.xml")).items)).toEqual([
      `${base}/zh-CN/a/${chinese.slug}`,
    ]);
    expect(links((await feed(`/en/tags/${otherTagSlug}/rss.xml`)).items)).toEqual([`${base}/en/a/${other.slug}`]);
    const site = links((await feed("/en/rss.xml")).items);
    expect(site).toEqual(expect.arrayContaining([`${base}/en/a/${english.slug}`, `${base}/en/a/${other.slug}`]));
  });

  it("are linked from the author's and the tag's pages, besides the site's", async () => {
    const reader = new Visitor(base);
    const alternate = (href: string, title: string) =>
      `<link rel="alternate" type="application/rss+xml" title="${title}" href="${base}${href}">`;
    const author = (await reader.get("/en/authors/feed-writer")).text;
    expect(author).toContain(
      alternate("/en/authors/feed-writer/rss.xml", "Articles by feed-writer (@feed-writer) · Inkstone"),
    );
    expect(author).toContain(alternate("/en/rss.xml", "Inkstone"));
    expect(author).toContain('href="/en/authors/feed-writer/rss.xml"');
    const tag = (await reader.get(`/zh-CN/tags/${tagSlug}`)).text;
    expect(tag).toMatch(
      new RegExp(
        `<link rel="alternate" type="application/rss\\+xml" title="标签：[^"]+ · 墨石 Inkstone" href="${base}/zh-CN/tags/${tagSlug}/rss.xml">`,
      ),
    );
    expect(tag).toContain(alternate("/zh-CN/rss.xml", "墨石 Inkstone"));
  });

  it("show a new article of the author's at once, and are cached until then", async () => {
    const path = "/en/authors/feed-writer/rss.xml";
    const before = await feed(path);
    expect((await feed(path)).cache).toBe("HIT");
    const newer = await publishArticle(api, writer.user.documentId, "feed-en-2", { title: "A second feed entry" });
    await expect
      .poll(async () => links((await feed(path)).items), { timeout: 10_000 })
      .toContain(`${base}/en/a/${newer.slug}`);
    const after = await feed(path);
    expect(Date.parse(childText(after.channel, "lastBuildDate") ?? "")).toBeGreaterThanOrEqual(
      Date.parse(childText(before.channel, "lastBuildDate") ?? ""),
    );
  });

  it("answer 404 for an unknown author or tag and for addresses that name none", async () => {
    const reader = new Visitor(base);
    for (const path of [
      "/en/authors/nobody-writes-here/rss.xml",
      "/en/tags/no-such-tag/rss.xml",
      "/en/authors/%3Cscript%3E/rss.xml",
      `/en/authors/${"a".repeat(300)}/rss.xml`,
      "/fr/rss.xml",
    ])
      expect((await reader.get(path)).status, path).toBe(404);
  });
});

describe("the sitemap", () => {
  it("says when every page last changed: an article's own change, a list's newest article", async () => {
    const reply = await new Visitor(base).get("/sitemap.xml", { accept: "application/xml" });
    expect(reply.status).toBe(200);
    const urls = childrenNamed(parseXml(reply.text), "url").map((url) => ({
      loc: childText(url, "loc") ?? "",
      lastmod: childText(url, "lastmod") ?? "",
    }));
    const lastmod = new Map(urls.map((url) => [url.loc.slice(base.length), url.lastmod]));
    expect(lastmod.size).toBe(urls.length);
    for (const url of urls) expect(Number.isNaN(Date.parse(url.lastmod)), url.loc).toBe(false);

    const newest = (paths: string[]) =>
      new Date(Math.max(...paths.map((path) => Date.parse(lastmod.get(path) ?? "")))).toISOString();
    const enArticles = [...lastmod.keys()].filter((path) => path.startsWith("/en/a/"));
    expect(enArticles.length).toBeGreaterThanOrEqual(2);
    for (const list of ["/en/", "/en/top"])
      expect(new Date(lastmod.get(list) ?? "").toISOString(), list).toBe(newest(enArticles));
    expect(new Date(lastmod.get("/zh-CN/") ?? "").toISOString()).toBe(newest([`/zh-CN/a/${chinese.slug}`]));
    expect(new Date(lastmod.get("/en/authors/other-writer") ?? "").toISOString()).toBe(newest([`/en/a/${other.slug}`]));
    expect(new Date(lastmod.get(`/en/tags/${otherTagSlug}`) ?? "").toISOString()).toBe(newest([`/en/a/${other.slug}`]));
    // An author or tag with no article in a language has no page worth crawling there.
    expect(lastmod.has("/zh-CN/authors/other-writer")).toBe(false);
    expect(lastmod.has(`/zh-CN/tags/${otherTagSlug}`)).toBe(false);
    expect(lastmod.has("/zh-CN/authors/feed-writer")).toBe(true);
  });
});

describe("titles and descriptions", () => {
  it("say what each page is, in its language, and every page ends at </html>", async () => {
    const reader = new Visitor(base);
    const expected: [string, string][] = [
      ["/en/", "Read, discuss and write with AI, with sources · Inkstone"],
      ["/zh-CN/", "与 AI 一起阅读、讨论、写作，有据可查 · 墨石 Inkstone"],
      ["/en/top", "Most liked · Inkstone"],
      ["/zh-CN/top", "最受欢迎 · 墨石 Inkstone"],
      ["/en/authors/feed-writer", "Articles by feed-writer (@feed-writer) · Inkstone"],
      ["/zh-CN/authors/feed-writer", "feed-writer（@feed-writer）的文章 · 墨石 Inkstone"],
      [`/en/tags/${otherTagSlug}`, "Tag: elsewhere · Inkstone"],
      ["/en/search", "Search · Inkstone"],
      ["/zh-CN/search", "搜索 · 墨石 Inkstone"],
      ["/en/signin", "Sign in · Inkstone"],
      ["/zh-CN/signup", "创建账户 · 墨石 Inkstone"],
      [`/en/a/${english.slug}`, "Feeds for every writer · Inkstone"],
      [`/zh-CN/a/${chinese.slug}`, "每位作者都有订阅源 · 墨石 Inkstone"],
      ["/en/no-such-page", "Page not found · Inkstone"],
    ];
    const descriptions = new Map<string, string>();
    for (const [path, title] of expected) {
      const page = await reader.get(path);
      expect(page.text.match(/<title>([^<]*)<\/title>/)?.[1], path).toBe(title);
      const description = page.text.match(/<meta name="description" content="([^"]*)"/)?.[1] ?? "";
      // A sentence about the page, not its title again.
      expect(description.length, path).toBeGreaterThanOrEqual(10);
      expect(title, path).not.toContain(description);
      descriptions.set(path, description);
      expect(page.text.trimEnd().endsWith("</html>"), `${path} has content after </html>`).toBe(true);
    }
    // The home page and the most liked say different things about themselves.
    expect(descriptions.get("/en/top")).not.toBe(descriptions.get("/en/"));
  });

  it("number the pages of a list past the first", async () => {
    for (let i = 0; i < 12; i++)
      await publishArticle(api, writer.user.documentId, `feed-many-${i}`, { title: `Entry number ${i}` });
    const page = await new Visitor(base).get("/en/authors/feed-writer?page=2");
    expect(page.text.match(/<title>([^<]*)<\/title>/)?.[1]).toBe(
      "Articles by feed-writer (@feed-writer), page 2 · Inkstone",
    );
  });
});
