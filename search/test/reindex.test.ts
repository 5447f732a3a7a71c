import { beforeAll, describe, expect, it } from "vitest";
import { drainOutbox, type ReindexProgress, reindex, search } from "../src/index.ts";
import { article, batches } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";
import { MemoryOutbox } from "./support/memory-outbox.ts";

let meili: TestIndexes;
beforeAll(async () => {
  meili = await testIndexes();
});

const generation = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    article({
      documentId: `${label}${i}`,
      locale: i % 2 === 0 ? "en" : "zh-CN",
      title: i % 2 === 0 ? `Harbour lights ${label} ${i}` : `港口灯光 ${label} ${i}`,
      body: "Shared words about harbours. ".repeat(20),
      tags: [{ slug: "harbour", name: "Harbour" }],
    }),
  );

describe("reindex", () => {
  it("builds the first index and renames it live, reporting progress", async () => {
    const progress: ReindexProgress[] = [];
    const result = await reindex(batches(generation("g", 300), 50), {
      index: meili.admin,
      total: 300,
      onProgress: (step) => progress.push(step),
    });

    expect(result).toMatchObject({ indexed: 300, skipped: [] });
    expect(progress[0]).toMatchObject({ phase: "preparing", indexed: 0, total: 300 });
    expect(progress.filter((step) => step.phase === "indexing").map((step) => step.indexed)).toEqual([
      50, 100, 150, 200, 250, 300,
    ]);
    expect(progress.at(-1)).toMatchObject({ phase: "done", indexed: 300 });
    expect((await search(meili.reader, { tags: ["harbour"] })).total).toBe(300);
  });

  it("swaps a fresh index in while queries keep answering, and drops the old one", async () => {
    let stop = false;
    const totals: number[] = [];
    const errors: unknown[] = [];
    const queries = (async () => {
      while (!stop) {
        try {
          totals.push((await search(meili.reader, { q: "harbour", tags: ["harbour"], limit: 5 })).total);
        } catch (error) {
          errors.push(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const result = await reindex(batches(generation("n", 450), 50), { index: meili.admin });
    // A few more answers after the swap, however long they take: the last ones must come from the new index.
    const answered = () => totals.length + errors.length;
    const swappedAt = answered();
    await expect.poll(() => answered() - swappedAt, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    stop = true;
    await queries;

    expect(result.indexed).toBe(450);
    expect(errors).toEqual([]);
    expect(totals.length).toBeGreaterThan(10);
    // Every answer came whole from one index or the other, never from a half-built one.
    expect(new Set(totals)).toEqual(new Set([300, 450]));
    expect(totals.at(-1)).toBe(450);
    const { results } = await meili.admin.client.getRawIndexes({ limit: 100 });
    expect(results.map((index) => index.uid).filter((uid) => uid.startsWith(meili.prefix))).toEqual([meili.admin.uid]);
  });

  it("pauses the sync while building, then the sync applies what changed meanwhile to the new index", async () => {
    const outbox = new MemoryOutbox();
    let duringBuild: string | undefined;
    async function* source() {
      yield generation("p", 10).slice(0, 5);
      // An editor publishes while the reindex is reading the CMS.
      outbox.publish(article({ documentId: "late", title: "Lighthouse keeper" }));
      duringBuild = (await drainOutbox(outbox, meili.admin)).status;
      yield generation("p", 10).slice(5);
    }

    await reindex(source(), { index: meili.admin });
    expect(duringBuild).toBe("paused");
    expect(outbox.pending).toHaveLength(1);

    expect(await drainOutbox(outbox, meili.admin)).toMatchObject({ status: "drained", done: 1 });
    expect((await search(meili.reader, { q: "lighthouse" })).hits.map((hit) => hit.documentId)).toEqual(["late"]);
    expect((await search(meili.reader, {})).total).toBe(11);
  });

  it("skips and reports articles that break the contract, indexing the rest", async () => {
    const docs = [...generation("s", 3), { ...article({ documentId: "bad" }), publishedAt: 42 }];
    const result = await reindex(batches(docs), { index: meili.admin });
    expect(result.indexed).toBe(3);
    expect(result.skipped).toMatchObject([{ id: "bad-en", message: expect.stringContaining("publishedAt") }]);
  });

  it("leaves the live index alone and no build index behind when the source fails", async () => {
    async function* failing() {
      yield generation("f", 5);
      throw new Error("CMS went away");
    }
    await expect(reindex(failing(), { index: meili.admin })).rejects.toThrow("CMS went away");
    expect((await search(meili.reader, {})).total).toBe(3);
    await expect(meili.admin.client.getRawIndex(meili.admin.nextUid)).rejects.toThrow(/not found/);
  });
});
