import { connectIndex, searchForResearch, toIndexDocument } from "@inkstone/search";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCmsClient } from "../src/cms/client.ts";
import { generationInputSchema } from "../src/generation/request.ts";
import { communityProvider } from "../src/research/community.ts";
import type { Candidate } from "../src/research/types.ts";
import { startCms } from "./support/cms.ts";

// Research on the community's own articles, against the real CMS (behind the recording stand-in) and the index the
// CMS's own sync keeps: articles are found with the search module's retrieval for research, then read in full
// from the CMS as published, with the sources they cite.

const COMMUNITY_URL = "https://community.example";
// Longer than the opening the index keeps, so only a full read sees the last paragraph.
const OPENING = "引用让读者能够核对作者的说法，也让作者自己记得每个观点从哪里来。".repeat(25);
const LAST_PARAGRAPH = "发布之前，逐条核对每一处引用是否指向读过的原文";

describe("community research", () => {
  let cms: Awaited<ReturnType<typeof startCms>>;
  let zh: { documentId: string; slug: string };
  let en: { documentId: string; slug: string };

  beforeAll(async () => {
    cms = await startCms();
    zh = await cms.publish({
      locale: "zh-CN",
      title: "写作时如何引用资料",
      summary: "把读过的资料标注清楚。",
      body: `## 为什么要引用\n\n${OPENING}每个观点都应该注明出处 [1]。\n\n## 核对清单\n\n${LAST_PARAGRAPH} [1, 2]。`,
      sources: [
        { title: "引用规范手册", url: "https://example.org/citing", excerpt: "如何标注出处。" },
        { title: "核对的方法", url: "https://example.org/checking", excerpt: "" },
      ],
    });
    en = await cms.publish({
      locale: "en",
      title: "Citing sources in your writing",
      summary: "Name what you read.",
      body: "## Why\n\nEvery claim should name where it comes from [1].",
      sources: [{ title: "The citation handbook", url: "https://example.org/handbook", excerpt: "" }],
    });
    await cms.publish({ locale: "zh-CN", title: "潮汐能入门", body: "潮汐能是一种可再生能源。" });
    // The CMS's sync indexes what it publishes; research starts once both articles are there.
    await vi.waitFor(
      async () => {
        const hits = await searchForResearch(index(), { q: "引用" });
        expect(hits.map((hit) => hit.documentId).sort()).toEqual([zh.documentId, en.documentId].sort());
      },
      { timeout: 30_000, interval: 250 },
    );
  });

  afterAll(async () => {
    await cms?.close();
  });

  const index = () =>
    connectIndex({
      host: String(cms.env.MEILI_URL),
      apiKey: String(cms.env.MEILI_SEARCH_KEY),
      indexPrefix: String(cms.env.MEILI_INDEX_PREFIX),
    });
  const research = async (topic: string, language: "zh-CN" | "en", cmsUrl = cms.url) => {
    const log: string[] = [];
    const provider = communityProvider({
      meiliUrl: String(cms.env.MEILI_URL),
      searchKey: String(cms.env.MEILI_SEARCH_KEY),
      indexPrefix: String(cms.env.MEILI_INDEX_PREFIX),
      communityUrl: COMMUNITY_URL,
      cms: createCmsClient({ baseUrl: cmsUrl, token: cms.token, timeoutMs: 5000 }),
      timeoutMs: 5000,
    });
    const request = generationInputSchema.parse({ creatorId: "writer1", topic, language });
    const candidates = await provider.search({
      request,
      signal: new AbortController().signal,
      log: (_level, message) => log.push(message),
    });
    return { candidates, log };
  };
  const textOf = (candidates: Candidate[], url: string) => candidates.find((c) => c.url === url)?.text ?? "";

  it("finds the articles for a long Chinese topic and reads them in full, as published, with their sources", async () => {
    const { candidates } = await research("测试引用的写作方法", "zh-CN");
    const zhUrl = `${COMMUNITY_URL}/zh-CN/a/${zh.slug}`;
    // The writer's language first, then the same subject in the other language (引用 ↔ citing).
    expect(candidates.map((candidate) => candidate.url)).toEqual([zhUrl, `${COMMUNITY_URL}/en/a/${en.slug}`]);
    expect(candidates[0]).toMatchObject({
      title: "写作时如何引用资料",
      snippet: "把读过的资料标注清楚。",
      origin: "community",
    });
    const text = textOf(candidates, zhUrl);
    expect(text).toContain(LAST_PARAGRAPH);
    // The article's own [n] name its sources; in the draft, [n] will number the draft's sources.
    expect(text).toContain("每个观点都应该注明出处 (引用规范手册)");
    expect(text).toContain(`${LAST_PARAGRAPH} (引用规范手册; 核对的方法)`);
    expect(text).not.toMatch(/\[\d\]/);
    expect(text).toContain("参考资料:\n\n引用规范手册 — https://example.org/citing — 如何标注出处。");
    expect(text).not.toContain("##");
    // Read from the CMS's public article route, as any reader would.
    const reads = cms.calls.filter((call) => call.method === "GET" && call.path.startsWith("/api/articles/"));
    expect(reads.map((call) => [call.path, call.status])).toEqual(
      expect.arrayContaining([[`/api/articles/${zh.documentId}?locale=zh-CN`, 200]]),
    );
  });

  it("puts English articles first for an English topic", async () => {
    const { candidates } = await research("How do I cite my sources?", "en");
    expect(candidates.map((candidate) => candidate.title)).toEqual([
      "Citing sources in your writing",
      "写作时如何引用资料",
    ]);
    expect(candidates[0]?.text).toContain("Every claim should name where it comes from (The citation handbook).");
    expect(candidates[0]?.text).toContain("Sources:\n\nThe citation handbook — https://example.org/handbook");
  });

  it("skips an article the index still holds but the CMS no longer publishes", async () => {
    // The index lagging behind an unpublish: a document the CMS does not have.
    const admin = connectIndex({
      host: String(cms.env.MEILI_URL),
      apiKey: String(cms.env.MEILI_ADMIN_KEY),
      indexPrefix: String(cms.env.MEILI_INDEX_PREFIX),
    });
    const stale = toIndexDocument({
      documentId: "gone0000000000000000000a",
      locale: "zh-CN",
      slug: "gone",
      title: "已经撤下的引用指南",
      publishedAt: new Date().toISOString(),
    });
    await admin.client.index(admin.uid).addDocuments([stale]).waitTask({ timeout: 30_000 });
    try {
      const { candidates, log } = await research("引用指南", "zh-CN");
      expect(candidates.map((candidate) => candidate.title)).not.toContain("已经撤下的引用指南");
      expect(candidates.length).toBeGreaterThan(0);
      expect(log).toContain(`skipped ${COMMUNITY_URL}/zh-CN/a/gone: no longer published`);
    } finally {
      await admin.client.index(admin.uid).deleteDocument(stale.id).waitTask({ timeout: 30_000 });
    }
  });

  it("skips what it cannot read while the CMS is down, with a warning for each article", async () => {
    const { candidates, log } = await research("测试引用的写作方法", "zh-CN", "http://127.0.0.1:9");
    expect(candidates).toEqual([]);
    expect(log.filter((line) => line.startsWith("could not read"))).toHaveLength(2);
    expect(log[0]).toMatch(/could not read .*: the CMS at http:\/\/127\.0\.0\.1:9 could not be reached/);
  });
});
