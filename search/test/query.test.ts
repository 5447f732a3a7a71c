import { beforeAll, describe, expect, it } from "vitest";
import { connectIndex, reindex, SearchError, type SearchParamsInput, search } from "../src/index.ts";
import { article, batches } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";

const named = (slug: string, name = slug) => ({ slug, name });

const ARTICLES = [
  article({
    documentId: "a1",
    locale: "zh-CN",
    title: "人工智能改变写作",
    summary: "机器如何帮助作者",
    body: "## 引言\n\n这是一篇关于**创作**的文章。",
    tags: [named("ai", "人工智能"), named("writing", "写作")],
    category: named("tech", "科技"),
    author: { handle: "li", displayName: "李雷" },
    publishedAt: "2024-01-10T08:00:00Z",
    likes: 30,
  }),
  article({
    documentId: "a2",
    title: "How TypeScript generics help writers",
    summary: "Types for prose tools",
    body: "Generic functions keep editors honest.",
    tags: [named("code")],
    category: named("tech"),
    author: { handle: "bob", displayName: "Bob Stone" },
    publishedAt: "2024-03-05T08:00:00Z",
    likes: 5,
  }),
  article({
    documentId: "a3",
    title: "Photography for beginners",
    summary: "Light, lenses and patience",
    tags: [named("photo")],
    category: named("art"),
    author: { handle: "carol", displayName: "Carol King" },
    publishedAt: "2023-11-20T08:00:00Z",
    likes: 50,
  }),
  article({
    documentId: "a4",
    locale: "zh-CN",
    title: "摄影入门指南",
    summary: "光线与耐心",
    tags: [named("photo", "摄影")],
    category: named("art", "艺术"),
    author: { handle: "li", displayName: "李雷" },
    publishedAt: "2024-02-14T08:00:00Z",
    likes: 12,
  }),
  article({
    documentId: "a5",
    title: "Writing with AI: a field guide",
    summary: "What changes when a model drafts",
    body: `${"A long guide. ".repeat(200)}The ending mentions lighthouses.`,
    tags: [named("ai"), named("writing")],
    category: named("tech"),
    author: { handle: "carol", displayName: "Carol King" },
    publishedAt: "2024-04-01T08:00:00Z",
    likes: 20,
  }),
  article({
    documentId: "a6",
    title: '<img src=x onerror="alert(1)"> Safe & sound',
    summary: "<script>alert('x')</script> zebra",
    tags: [named("misc")],
    category: named("misc"),
    author: { handle: "y", displayName: "Mallory" },
    publishedAt: "2022-01-01T08:00:00Z",
    likes: 1,
  }),
];

let meili: TestIndexes;
const ids = async (params: SearchParamsInput) => (await search(meili.reader, params)).hits.map((hit) => hit.documentId);

beforeAll(async () => {
  meili = await testIndexes();
  await reindex(batches(ARTICLES, 4), { index: meili.admin });
});

describe("search", () => {
  it.each([
    ["a missing letter", "typescrpt", "a2"],
    ["a swapped letter", "photogarphy", "a3"],
    ["a wrong letter", "genetics", "a2"],
  ])("finds an article despite %s (%s)", async (_name, q, id) => {
    expect(await ids({ q })).toContain(id);
  });

  it.each([
    // …and the English article on writing, through the taxonomy's synonyms (写作 ↔ writing), after it.
    ["a two-character word ending the title", "写作", ["a1", "a5"]],
    ["a word at the start of a title", "摄影", ["a4"]],
    ["a word inside a longer word", "智能", ["a1"]],
    ["characters across a word boundary", "能改", ["a1"]],
    ["a word in the summary", "耐心", ["a4"]],
  ])("finds Chinese text by %s (%s)", async (_name, q, expected) => {
    expect(await ids({ q })).toEqual(expected);
  });

  it("ranks a title match above a body match", async () => {
    const { hits } = await search(meili.reader, { q: "writers lighthouses", sort: "relevance" });
    expect(hits[0]?.documentId).toBe("a2");
  });

  it.each<[string, SearchParamsInput, string[]]>([
    ["a tag", { tags: ["ai"] }, ["a1", "a5"]],
    ["every one of several tags", { tags: ["ai", "writing"], language: "en" }, ["a5"]],
    ["a category", { category: "art" }, ["a3", "a4"]],
    ["an author", { author: "li" }, ["a1", "a4"]],
    ["a language", { language: "zh-CN" }, ["a1", "a4"]],
    ["a date range, both ends inclusive", { from: "2024-01-10", to: "2024-02-14" }, ["a1", "a4"]],
    ["a date-time lower bound", { from: "2024-03-05T08:00:00Z" }, ["a2", "a5"]],
    // a1 is the Chinese article tagged 写作: the synonyms find it for "writing".
    ["a query and a filter", { q: "writing", category: "tech" }, ["a1", "a5"]],
    ["a query the filter rules out", { q: "photography", category: "tech" }, []],
  ])("filters by %s", async (_name, params, expected) => {
    expect((await ids(params)).sort()).toEqual(expected);
  });

  it("counts facets over every match, not just the page, with a label for each value", async () => {
    const result = await search(meili.reader, { limit: 1 });
    expect(result.total).toBe(6);
    expect(result.hits).toHaveLength(1);
    // "tech" is named 科技 once and tech twice: one entry, labelled with the commoner name.
    expect(result.facets.category).toEqual([
      { value: "tech", label: "tech", count: 3 },
      { value: "art", label: "art", count: 2 },
      { value: "misc", label: "misc", count: 1 },
    ]);
    expect(result.facets.tags.slice(0, 3)).toEqual([
      { value: "ai", label: "ai", count: 2 },
      { value: "photo", label: "photo", count: 2 },
      { value: "writing", label: "writing", count: 2 },
    ]);
    expect(result.facets.language).toEqual([
      { value: "en", label: "en", count: 4 },
      { value: "zh-CN", label: "zh-CN", count: 2 },
    ]);
    expect(result.facets.author).toContainEqual({ value: "li", label: "李雷", count: 2 });
  });

  it("narrows facet counts with the filters", async () => {
    const { facets } = await search(meili.reader, { tags: ["ai"], language: "zh-CN" });
    expect(facets.author).toEqual([{ value: "li", label: "李雷", count: 1 }]);
    expect(facets.category).toEqual([{ value: "tech", label: "科技", count: 1 }]);
    expect(facets.tags).toEqual([
      { value: "ai", label: "人工智能", count: 1 },
      { value: "writing", label: "写作", count: 1 },
    ]);
  });

  it.each<[SearchParamsInput["sort"], string[]]>([
    ["newest", ["a5", "a2", "a4", "a1", "a3", "a6"]],
    ["most-liked", ["a3", "a1", "a5", "a4", "a2", "a6"]],
  ])("sorts by %s", async (sort, expected) => {
    expect(await ids({ sort })).toEqual(expected);
  });

  it("pages through results", async () => {
    const result = await search(meili.reader, { sort: "newest", limit: 4, page: 2 });
    expect(result.hits.map((hit) => hit.documentId)).toEqual(["a3", "a6"]);
    expect(result).toMatchObject({ total: 6, page: 2, limit: 4, totalPages: 2 });
  });

  it("returns render-ready hits with escaped, highlighted HTML", async () => {
    const [hit] = (await search(meili.reader, { q: "safe zebra" })).hits;
    expect(hit).toMatchObject({
      documentId: "a6",
      locale: "en",
      slug: "a6-slug",
      titleHtml: "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>Safe</mark> &amp; sound",
      summaryHtml: "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>zebra</mark>",
      tags: [{ slug: "misc", name: "misc" }],
      author: { handle: "y", displayName: "Mallory" },
      publishedAt: "2022-01-01T08:00:00.000Z",
      likes: 1,
    });
  });

  it("crops the body around the match into the snippet", async () => {
    const [hit] = (await search(meili.reader, { q: "guide" })).hits;
    expect(hit?.documentId).toBe("a5");
    expect(hit?.snippetHtml).toMatch(/<mark>guide<\/mark>/);
    expect(hit?.snippetHtml.split(" ").length).toBeLessThan(40);
  });

  it.each([
    ["an author", { author: 'x" OR author = "y' }],
    ["a tag", { tags: ['nothing") OR (tags EXISTS'] }],
    ["a category", { category: 'misc" OR category != "none' }],
    ["a backslash", { author: "y\\" }],
    ["a language filter in disguise", { author: "li", category: '" OR language = "en' }],
  ])("keeps filter-injection strings in %s literal: no hits", async (_name, params) => {
    const result = await search(meili.reader, params);
    expect(result.total).toBe(0);
  });

  it("answers validation failures with a typed 400 error before querying", async () => {
    for (const params of [{ q: "x".repeat(201) }, { limit: 51 }]) {
      const error = await search(meili.reader, params).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SearchError);
      expect(error).toMatchObject({ code: "invalid_search_params", status: 400 });
    }
  });

  it("treats a missing index as no articles yet", async () => {
    const empty = connectIndex({ host: meili.url, apiKey: meili.searchKey, indexPrefix: `${meili.prefix}none_` });
    expect(await search(empty, { q: "anything" })).toMatchObject({ total: 0, hits: [], totalPages: 0 });
  });

  it("reports Meilisearch down as search_unavailable (503)", async () => {
    const down = connectIndex({ host: "http://127.0.0.1:9", apiKey: meili.searchKey, indexPrefix: meili.prefix });
    await expect(search(down, { q: "x" })).rejects.toMatchObject({ code: "search_unavailable", status: 503 });
  });
});
