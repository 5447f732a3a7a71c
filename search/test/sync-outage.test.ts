import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMeilisearch } from "../../scripts/stack/meilisearch.ts";
import type { ManagedProcess } from "../../scripts/stack/process.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { type SyncEvent, search, startSync } from "../src/index.ts";
import { article } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";
import { MemoryOutbox } from "./support/memory-outbox.ts";

// A Meilisearch of this file's own, so stopping it disturbs no other test file.
const dataDir = mkdtempSync(join(tmpdir(), "inkstone-search-outage-"));
const masterKey = randomBytes(24).toString("hex");
let port: number;
let server: ManagedProcess | undefined;
let meili: TestIndexes;

const start = async () => {
  server = await startMeilisearch({ dataDir, port, masterKey, logDir: join(dataDir, "logs") });
};

beforeAll(async () => {
  port = await freePort();
  await start();
  meili = await testIndexes(`http://127.0.0.1:${port}`, masterKey);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("sync while Meilisearch is down", () => {
  it("keeps 5 publications pending through the outage, then indexes each exactly once", async () => {
    const outbox = new MemoryOutbox();
    const events: SyncEvent[] = [];
    const sync = startSync(outbox, meili.admin, {
      idleMs: 100,
      backoff: { baseMs: 100, maxMs: 1000 },
      onEvent: (event) => events.push(event),
    });
    try {
      outbox.publish(article({ documentId: "warmup", title: "Before the outage" }));
      await expect.poll(() => outbox.pending.length, { timeout: 30_000 }).toBe(0);

      await server?.stop();
      for (let i = 1; i <= 5; i++) outbox.publish(article({ documentId: `o${i}`, title: `Aurora report ${i}` }));
      sync.wake();
      await expect
        .poll(() => events.filter((event) => event.type === "retrying").length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(3);

      expect(outbox.pending.map((row) => [row.documentId, row.status])).toEqual(
        [1, 2, 3, 4, 5].map((i) => [`o${i}`, "pending"]),
      );

      await start();
      await expect.poll(() => outbox.pending.length, { timeout: 60_000 }).toBe(0);
    } finally {
      await sync.stop();
    }

    const result = await search(meili.reader, { q: "aurora", limit: 50 });
    expect(result.hits.map((hit) => hit.documentId).sort()).toEqual(["o1", "o2", "o3", "o4", "o5"]);
    expect(result.total).toBe(5);
    const { total } = await meili.admin.client.index(meili.admin.uid).getDocuments({ limit: 1 });
    expect(total).toBe(6);
    // Backoff grew between tries instead of hammering the closed port.
    const delays = events.flatMap((event) => (event.type === "retrying" ? [event.retryInMs] : []));
    expect(Math.max(...delays)).toBeGreaterThan(Math.min(...delays));
  });
});
