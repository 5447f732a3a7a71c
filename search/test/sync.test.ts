import { beforeAll, describe, expect, it } from "vitest";
import { connectIndex, drainOutbox, type SyncEvent, search, startSync } from "../src/index.ts";
import { article } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";
import { MemoryOutbox } from "./support/memory-outbox.ts";

let meili: TestIndexes;
beforeAll(async () => {
  meili = await testIndexes();
});

const indexedIds = async () => {
  const { results } = await meili.admin.client.index(meili.admin.uid).getDocuments({ limit: 1000, fields: ["id"] });
  return results.map((doc) => doc.id as string).sort();
};

describe("drainOutbox", () => {
  it("indexes published articles and marks their rows done only once Meilisearch has them", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s1", title: "Quasar chronicles" }));
    outbox.publish(article({ documentId: "s1", locale: "zh-CN", title: "类星体编年史" }));

    const result = await drainOutbox(outbox, meili.admin);

    expect(result).toEqual({ status: "drained", claimed: 2, done: 2, failed: 0 });
    expect(outbox.pending).toEqual([]);
    expect((await search(meili.reader, { q: "quasar" })).hits.map((hit) => hit.documentId)).toEqual(["s1"]);
    expect((await search(meili.reader, { q: "类星体" })).hits.map((hit) => hit.locale)).toEqual(["zh-CN"]);
  });

  it("removes an unpublished article within one drain", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s2", title: "Nebula notes" }));
    await drainOutbox(outbox, meili.admin);
    expect((await search(meili.reader, { q: "nebula" })).total).toBe(1);

    outbox.unpublish("s2", "en");
    await drainOutbox(outbox, meili.admin);

    expect((await search(meili.reader, { q: "nebula" })).total).toBe(0);
    expect(outbox.pending).toEqual([]);
  });

  it("coalesces an upsert and a remove queued together: the article ends up out of the index", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s3", title: "Pulsar timing" }));
    outbox.unpublish("s3", "en");

    const result = await drainOutbox(outbox, meili.admin);

    expect(result).toMatchObject({ claimed: 2, done: 2, failed: 0 });
    expect(await indexedIds()).not.toContain("s3-en");
  });

  it("removes every locale of a deleted article through the documentId filter", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s4", title: "Comet tails" }));
    outbox.publish(article({ documentId: "s4", locale: "zh-CN", title: "彗星的尾巴" }));
    await drainOutbox(outbox, meili.admin);
    expect(await indexedIds()).toEqual(expect.arrayContaining(["s4-en", "s4-zh-CN"]));

    outbox.deleteArticle("s4");
    await drainOutbox(outbox, meili.admin);

    expect((await indexedIds()).filter((id) => id.startsWith("s4-"))).toEqual([]);
  });

  it("keeps the locales still published when a whole-article remove is replayed", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s5", title: "Orbit one" }));
    outbox.publish(article({ documentId: "s5", locale: "zh-CN", title: "轨道一号" }));
    outbox.unpublish("s5", "zh-CN");
    // A stale row, e.g. one whose lease expired after a newer row was applied.
    outbox.enqueue("remove", "s5", null);

    await drainOutbox(outbox, meili.admin);

    expect((await indexedIds()).filter((id) => id.startsWith("s5-"))).toEqual(["s5-en"]);
  });

  it("replaces a document on update instead of merging fields, and never duplicates it", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s6", title: "Old title", tags: [{ slug: "old", name: "Old" }] }));
    await drainOutbox(outbox, meili.admin);
    outbox.publish(article({ documentId: "s6", title: "Fresh title", tags: [] }));
    outbox.publish(article({ documentId: "s6", title: "Fresh title", tags: [] }));
    await drainOutbox(outbox, meili.admin);

    const { hits } = await search(meili.reader, { q: "title" });
    expect(hits.filter((hit) => hit.documentId === "s6")).toMatchObject([
      { titleHtml: "Fresh <mark>title</mark>", tags: [] },
    ]);
  });

  it("leaves rows pending and says why when an article breaks the contract, and carries on with the rest", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s7", title: "Good one" }));
    outbox.publish(article({ documentId: "s8", title: "Bad one" }));
    (outbox.published.get("s8|en") as { publishedAt: string }).publishedAt = "not a date";

    const result = await drainOutbox(outbox, meili.admin);

    expect(result).toMatchObject({
      claimed: 2,
      done: 1,
      failed: 1,
      failure: { code: "invalid_document", retryable: false },
    });
    expect(outbox.pending).toMatchObject([{ documentId: "s8", attempts: 1, status: "pending" }]);
    expect(await indexedIds()).toContain("s7-en");
  });

  it("touches no row when Meilisearch cannot be reached", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "s9" }));
    const down = connectIndex({ host: "http://127.0.0.1:9", apiKey: "unused", indexPrefix: meili.prefix });

    await expect(drainOutbox(outbox, down)).rejects.toMatchObject({ code: "search_unavailable" });
    expect(outbox.pending).toMatchObject([{ documentId: "s9", attempts: 0, status: "pending" }]);
  });
});

describe("startSync", () => {
  it("drains as rows arrive and stops cleanly", async () => {
    const outbox = new MemoryOutbox();
    const events: SyncEvent[] = [];
    const sync = startSync(outbox, meili.admin, { idleMs: 60_000, onEvent: (event) => events.push(event) });
    try {
      outbox.publish(article({ documentId: "l1", title: "Meteor showers" }));
      sync.wake();
      // Searchable first, then marked done: the row must not be done before Meilisearch has the document.
      await expect.poll(async () => (await search(meili.reader, { q: "meteor" })).total, { timeout: 30_000 }).toBe(1);
      await expect.poll(() => outbox.pending.length, { timeout: 30_000 }).toBe(0);
    } finally {
      await sync.stop();
    }
    expect(events.filter((event) => event.type === "retrying")).toEqual([]);
  });

  it("neither backs off nor stalls for a row that can never be applied", async () => {
    const outbox = new MemoryOutbox();
    outbox.publish(article({ documentId: "poison" }));
    (outbox.published.get("poison|en") as { publishedAt: string }).publishedAt = "never";
    const events: SyncEvent[] = [];
    const sync = startSync(outbox, meili.admin, {
      idleMs: 50,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
      onEvent: (event) => events.push(event),
    });
    try {
      await expect.poll(() => outbox.rows[0]?.attempts ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      outbox.publish(article({ documentId: "l2", title: "Eclipse diary" }));
      await expect.poll(async () => (await search(meili.reader, { q: "eclipse" })).total, { timeout: 10_000 }).toBe(1);
    } finally {
      await sync.stop();
    }
    expect(events.filter((event) => event.type === "retrying")).toEqual([]);
    expect(outbox.pending.map((row) => row.documentId)).toEqual(["poison"]);
  });
});
