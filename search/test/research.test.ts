import { beforeAll, describe, expect, it } from "vitest";
import { mean, recallAt } from "../../bench/relevance/metrics.ts";
import { connectIndex, reindex, SearchError, search, searchForResearch } from "../src/index.ts";
import { byRarity, queryTerms } from "../src/query-terms.ts";
import { demoSearchDocuments } from "./fixtures/demo-articles.ts";
import { RELEVANCE_CASES } from "./fixtures/relevance.ts";
import { article, batches } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";

// Retrieval for research on the real Meilisearch: the demo content the CMS seeds, and a few articles whose tags are
// named in one language only, to see the taxonomy's synonyms carry a query across languages.

let demo: TestIndexes;
let bilingual: TestIndexes;
const slugs = (hits: { slug: string }[]) => hits.map((hit) => hit.slug);

beforeAll(async () => {
  [demo, bilingual] = await Promise.all([testIndexes(), testIndexes()]);
  await reindex(batches(demoSearchDocuments()), { index: demo.admin });
  const citations = (name: string) => [{ slug: "citations", name }];
  await reindex(
    batches([
      article({ documentId: "fz", locale: "zh-CN", slug: "jiaozhu", title: "脚注的格式", tags: citations("引用") }),
      article({ documentId: "fe", slug: "footnotes", title: "Footnote formats", tags: citations("Citations") }),
      article({ documentId: "tz", locale: "zh-CN", slug: "chaxi", title: "潮汐与海岸", summary: "潮汐的成因" }),
    ]),
    { index: bilingual.admin },
  );
});

describe("the index settings", () => {
  it("hold the taxonomy's synonyms both ways, the stop words, and Chinese text segmented as Chinese", async () => {
    const settings = await demo.admin.client.index(demo.admin.uid).getSettings();
    expect(settings.synonyms?.["引用"]).toEqual(expect.arrayContaining(["citation", "citations"]));
    expect(settings.synonyms?.citations).toContain("引用");
    expect(settings.synonyms?.writing).toContain("写作");
    expect(settings.synonyms?.["open source"]).toContain("开源");
    expect(settings.stopWords).toEqual(expect.arrayContaining(["how", "How", "的", "怎样"]));
    expect(settings.localizedAttributes).toContainEqual({ attributePatterns: ["zh.*"], locales: ["cmn"] });
  });
});

describe("searchForResearch", () => {
  it("finds the articles on citing sources for a Chinese topic whose first word is in no article", async () => {
    const hits = await searchForResearch(demo.reader, { q: "测试引用的写作方法", language: "zh-CN", limit: 10 });
    expect(slugs(hits).slice(0, 3).sort()).toEqual([
      "writing-with-sources-1-zh",
      "writing-with-sources-2-zh",
      "writing-with-sources-3-zh",
    ]);
    expect(hits[0]).toMatchObject({ locale: "zh-CN", title: expect.stringContaining("有据可查的写作") });
    expect(hits[0]?.score).toBeGreaterThan(0);
    // Members asking the same thing find them too.
    const member = await search(demo.reader, { q: "测试引用的写作方法" });
    expect(slugs(member.hits)).toEqual(expect.arrayContaining(["writing-with-sources-1-zh"]));
  });

  it("finds articles for each of two rare words that never meet in one article", async () => {
    const hits = await searchForResearch(demo.reader, { q: "queues and numbers", language: "en" });
    expect(slugs(hits)).toEqual(expect.arrayContaining(["queues-people-can-see-1", "numbers-in-stories-1"]));
  });

  it("puts the writer's language first, then the same subject in the other language", async () => {
    const hits = await searchForResearch(bilingual.reader, { q: "citations", language: "en" });
    expect(hits.map((hit) => [hit.slug, hit.locale])).toEqual([
      ["footnotes", "en"],
      ["jiaozhu", "zh-CN"],
    ]);
    const chinese = await searchForResearch(bilingual.reader, { q: "怎样引用", language: "zh-CN" });
    expect(slugs(chinese)).toEqual(["jiaozhu", "footnotes"]);
  });

  it("returns nothing for a topic no article touches, or only stop words", async () => {
    expect(await searchForResearch(bilingual.reader, { q: "quantum chromodynamics" })).toEqual([]);
    expect(await searchForResearch(bilingual.reader, { q: "how do I 怎样" })).toEqual([]);
  });

  it("meets recall@10 ≥ 0.8 on the relevance fixture", async () => {
    const recalls = await Promise.all(
      RELEVANCE_CASES.map(async (test) => {
        const hits = await searchForResearch(demo.reader, { q: test.q, language: test.locale, limit: 10 });
        return recallAt(10, slugs(hits), test.expected);
      }),
    );
    expect(mean(recalls)).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ["an empty topic", { q: "  " }, "q: must not be empty: research needs a topic or a question"],
    ["too many articles", { q: "x", limit: 21 }, "limit: must be at most 20"],
    ["an unknown language", { q: "x", language: "fr" }, "language: must be one of zh-CN, en"],
    ["an unknown strategy", { q: "x", strategy: "all" }, "strategy: must be one of rarest-first, frequency, last"],
    ["an unknown parameter", { q: "x", tags: ["a"] }, "unknown parameter tags"],
  ])("refuses %s with a typed 400 error saying what to change", async (_name, input, message) => {
    const error = await searchForResearch(demo.reader, input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SearchError);
    expect(error).toMatchObject({ code: "invalid_search_params", status: 400 });
    expect((error as Error).message).toContain(message);
  });

  it("treats a missing index as no articles, and Meilisearch down as search_unavailable (503)", async () => {
    const empty = connectIndex({ host: demo.url, apiKey: demo.searchKey, indexPrefix: `${demo.prefix}none_` });
    expect(await searchForResearch(empty, { q: "citations" })).toEqual([]);
    const down = connectIndex({ host: "http://127.0.0.1:9", apiKey: demo.searchKey, indexPrefix: demo.prefix });
    await expect(searchForResearch(down, { q: "citations" })).rejects.toMatchObject({
      code: "search_unavailable",
      status: 503,
    });
  });
});

describe("member search", () => {
  it("finds what a question typed in full is about, whatever its first word", async () => {
    const { hits } = await search(demo.reader, { q: "How do I cite the sources I read?", language: "en" });
    expect(slugs(hits).slice(0, 3).sort()).toEqual([
      "writing-with-sources-1",
      "writing-with-sources-2",
      "writing-with-sources-3",
    ]);
  });

  it("still finds something for two rare words that never meet in one article", async () => {
    const { hits, total } = await search(demo.reader, { q: "queues numbers", language: "en" });
    expect(total).toBeGreaterThan(0);
    expect(slugs(hits)).toContain("queues-people-can-see-1");
  });
});

describe("query terms", () => {
  it("keeps the words that can say what a topic is about", () => {
    expect(queryTerms("How do I cite the sources I read?")).toEqual(["cite", "sources", "read"]);
    expect(queryTerms("测试引用的写作方法")).toEqual(["测试", "引用", "写作", "方法"]);
    expect(queryTerms("ＡＩ 写作, AI writing")).toEqual(["ai", "写作", "writing"]);
  });

  it("orders the words that occur rarest first, the writer's order breaking ties", () => {
    expect(byRarity(["测试", "引用", "写作", "方法"], [0, 6, 40, 6])).toEqual(["引用", "方法", "写作"]);
  });
});

describe("the relevance fixture", () => {
  it("has 20 queries per language, each expecting articles the seed publishes", () => {
    const published = new Set(demoSearchDocuments().map((doc) => doc.slug));
    expect(RELEVANCE_CASES.filter((test) => test.locale === "zh-CN")).toHaveLength(20);
    expect(RELEVANCE_CASES.filter((test) => test.locale === "en")).toHaveLength(20);
    const unknown = RELEVANCE_CASES.flatMap((test) => test.expected).filter((slug) => !published.has(slug));
    expect(unknown, "slugs the seed no longer has: update search/test/fixtures/relevance.ts").toEqual([]);
  });
});
