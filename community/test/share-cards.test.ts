import { beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, draft } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { drawCard } from "../src/lib/share-card/draw.ts";
import { loadedSubsets, subsetsFor } from "../src/lib/share-card/fonts.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { decodePng, inkIn, pngSize } from "./support/png.ts";
import { jsonLd, meta, Visitor } from "./support/visitor.ts";

// Share cards against a real CMS and community: each article, author, tag and home page points at a PNG the
// community draws, serves, caches and redraws when the page changes.
let env: StackEnv;
let base: string;
let api: CmsApi;
let author: Awaited<ReturnType<CmsApi["signUp"]>>;
let english: Published;
let chinese: Published;
let tagSlug: string;

/** Where a card's title is drawn: below the site mark, above the byline. */
const TITLE_AREA = { x: 80, y: 150, width: 1040, height: 340 };
const CHINESE_TITLE = "为什么每个说法都需要来源：写作中的引用";

type Picture = {
  status: number;
  type: string | null;
  cacheControl: string | null;
  cache: string | null;
  bytes: Uint8Array;
};

async function picture(url: string): Promise<Picture> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    cacheControl: response.headers.get("cache-control"),
    cache: response.headers.get("x-cache"),
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

/** What a page's head says about its picture. */
function headImage(html: string) {
  return {
    url: meta(html, "og:image") ?? "",
    type: meta(html, "og:image:type"),
    width: meta(html, "og:image:width"),
    height: meta(html, "og:image:height"),
    alt: meta(html, "og:image:alt") ?? "",
    twitterCard: meta(html, "twitter:card"),
    twitterImage: meta(html, "twitter:image"),
  };
}

beforeAll(async () => {
  ({ env } = await startTestApps(["cms", "community"]));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  author = await api.signUp("card-writer");
  english = await publishArticle(api, author.user.documentId, "card-en", {
    title: "Cards carry the title",
    summary: "What a link preview shows.",
  });
  chinese = await publishArticle(api, author.user.documentId, "card-zh", {
    locale: "zh-CN",
    title: CHINESE_TITLE,
    summary: "链接预览显示的内容。",
    body: "## 来历\n\n每个说法都有来源 [1]。\n",
    tags: ["引用"],
    sources: [{ title: "来源", url: "https://example.org/source", excerpt: "来源的摘录。" }],
  });
  tagSlug = (await api.call("GET", `/api/articles/${english.documentId}?locale=en`)).body.data.tags[0].slug;
});

describe("the cards themselves", () => {
  it("load only the Chinese font's subsets a title needs, and draw its characters", async () => {
    const needed = subsetsFor(CHINESE_TITLE, 700).map((subset) => subset.name);
    expect(needed.length).toBeGreaterThan(1);
    // Noto Sans SC comes in about a hundred subsets; a short title needs a handful.
    expect(needed.length).toBeLessThan(15);
    expect(needed.every((name) => name.startsWith("noto-sans-sc-"))).toBe(true);
    // Latin is drawn with Noto Sans, not the Chinese font's Latin.
    expect(subsetsFor("Sources", 700).map((subset) => subset.name)).toEqual(["noto-sans-latin"]);

    const written = decodePng(await drawCard({ site: "墨石 Inkstone", title: CHINESE_TITLE }));
    const blank = decodePng(await drawCard({ site: "墨石 Inkstone", title: "" }));
    expect([written.width, written.height]).toEqual([1200, 630]);
    expect(inkIn(written, TITLE_AREA)).toBeGreaterThan(0.03);
    expect(inkIn(blank, TITLE_AREA)).toBe(0);
    expect(loadedSubsets().filter((file) => file.includes("noto-sans-sc-"))).not.toHaveLength(0);
  });

  it("leave out what no bundled font draws rather than show empty boxes", async () => {
    const emoji = decodePng(await drawCard({ site: "Inkstone", title: "🎉🎉🎉 שלום" }));
    expect(inkIn(emoji, TITLE_AREA)).toBe(0);
    const long = decodePng(
      await drawCard({ site: "Inkstone", title: "Sources ".repeat(200), byline: "x".repeat(500) }),
    );
    expect([long.width, long.height]).toEqual([1200, 630]);
  });
});

describe("pages and their cards", () => {
  it("every article page points at its card: a 1200×630 PNG, public, cached, in its JSON-LD with the logo", async () => {
    const reader = new Visitor(base);
    for (const article of [english, chinese]) {
      const page = await reader.get(`/${article.locale}/a/${article.slug}`);
      expect(page.status).toBe(200);
      const image = headImage(page.text);
      expect(image.url.startsWith(`${base}/${article.locale}/cards/articles/${article.documentId}.png?v=`)).toBe(true);
      expect(image).toMatchObject({
        type: "image/png",
        width: "1200",
        height: "630",
        twitterCard: "summary_large_image",
      });
      expect(image.twitterImage).toBe(image.url);
      expect(image.alt).toContain(article.title);
      const ld = jsonLd(page.text) as { image: unknown[]; publisher: { logo: Record<string, unknown> } };
      expect(ld.image).toContainEqual(expect.objectContaining({ "@type": "ImageObject", url: image.url, width: 1200 }));
      expect(ld.publisher.logo).toEqual({ "@type": "ImageObject", url: `${base}/logo.png`, width: 512, height: 512 });

      const card = await picture(image.url);
      expect(card.status).toBe(200);
      expect(card.type).toBe("image/png");
      expect(card.cacheControl).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+/);
      expect(pngSize(card.bytes)).toEqual({ width: 1200, height: 630 });
      const again = await picture(image.url);
      expect(again.cache).toBe("HIT");
      expect(again.bytes).toEqual(card.bytes);
    }
    const logo = await picture(`${base}/logo.png`);
    expect([logo.status, logo.type]).toEqual([200, "image/png"]);
    expect(pngSize(logo.bytes)).toEqual({ width: 512, height: 512 });
  });

  it("draws the Chinese article's title", async () => {
    const page = await new Visitor(base).get(`/zh-CN/a/${chinese.slug}`);
    const card = decodePng((await picture(headImage(page.text).url)).bytes);
    expect(inkIn(card, TITLE_AREA)).toBeGreaterThan(0.03);
  });

  it("gives authors, tags and the home page cards in both languages, and every other page the home page's", async () => {
    const reader = new Visitor(base);
    for (const locale of ["en", "zh-CN"]) {
      const pages = [
        [`/${locale}/`, `/${locale}/cards/home.png?v=`],
        [`/${locale}/authors/card-writer`, `/${locale}/cards/authors/card-writer.png?v=`],
        [`/${locale}/tags/${tagSlug}`, `/${locale}/cards/tags/${tagSlug}.png?v=`],
        [`/${locale}/top`, `/${locale}/cards/home.png?v=`],
        [`/${locale}/search`, `/${locale}/cards/home.png?v=`],
        [`/${locale}/signin`, `/${locale}/cards/home.png?v=`],
      ];
      for (const [path, card] of pages) {
        const page = await reader.get(path as string);
        expect(page.status, path).toBe(200);
        const image = headImage(page.text);
        expect(image.url.startsWith(`${base}${card}`), `${path}: ${image.url}`).toBe(true);
        expect(image.alt, path).not.toBe("");
        const png = await picture(image.url);
        expect([png.status, png.type], path).toEqual([200, "image/png"]);
        expect(pngSize(png.bytes), path).toEqual({ width: 1200, height: 630 });
      }
    }
  });

  it("draws a new card when the title changes, at a new address, and redraws the old address too", async () => {
    const reader = new Visitor(base);
    const path = `/en/a/${english.slug}`;
    const before = headImage((await reader.get(path)).text).url;
    const old = await picture(before);
    expect((await picture(before)).cache).toBe("HIT");

    const articles = "/content-manager/collection-types/api::article.article";
    const renamed = await api.admin("PUT", `${articles}/${english.documentId}?locale=en`, {
      title: "Cards carry the new title",
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await api.publish(english.documentId, "en")).status).toBe(200);

    // The CMS's webhook drops the page and its card.
    await expect.poll(async () => headImage((await reader.get(path)).text).url, { timeout: 10_000 }).not.toBe(before);
    const after = headImage((await reader.get(path)).text);
    expect(after.alt).toContain("Cards carry the new title");
    const fresh = await picture(after.url);
    expect(fresh.status).toBe(200);
    expect(fresh.bytes).not.toEqual(old.bytes);
    // A preview that kept the old address gets the new card: one card per page, whatever the version says.
    expect((await picture(before)).bytes).toEqual(fresh.bytes);
  });

  it("answers 404 for a card of no published page and 400 for a broken address, never a 5xx", async () => {
    const saved = await api.saveDraft("card-draft", draft(author.user.documentId, "card-draft", { title: "Not yet" }));
    expect(saved.status).toBe(200);
    const unpublished = saved.body.data.documentId as string;
    const cases: [string, number][] = [
      [`/en/cards/articles/${unpublished}.png`, 404],
      [`/zh-CN/cards/articles/${english.documentId}.png`, 404],
      ["/en/cards/articles/abcdefghij0123456789abcd.png", 404],
      ["/en/cards/articles/NOT-AN-ID.png", 404],
      ["/en/cards/articles/..%2F..%2Fetc%2Fpasswd.png", 404],
      [`/en/cards/articles/${english.documentId}.jpg`, 404],
      ["/en/cards/authors/nobody-writes-here.png", 404],
      [`/en/cards/authors/${"a".repeat(300)}.png`, 404],
      ["/en/cards/authors/%3Cscript%3E.png", 404],
      ["/en/cards/tags/no-such-tag.png", 404],
      ["/en/cards/elsewhere/home.png", 404],
      ["/fr/cards/home.png", 404],
      ["/en/cards/articles/%00.png", 400],
      ["/en/cards/home.png?v=%ZZ", 400],
    ];
    for (const [path, status] of cases) {
      const response = await fetch(`${base}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(status);
    }
  });
});
