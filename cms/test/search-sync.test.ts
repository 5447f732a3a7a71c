// The CMS's outbox reaching the real Meilisearch: publish, unpublish and a Meilisearch outage in the middle.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ArticleIndex, connectIndex, ensureApiKeys } from "@inkstone/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startMeilisearch } from "../../scripts/stack/meilisearch.ts";
import type { ManagedProcess } from "../../scripts/stack/process.ts";
import { ephemeralSecrets } from "../../scripts/stack/secrets.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { isolationId, startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi } from "./cms-api.ts";
import { runCmsScript } from "./run-cms-script.ts";
import { hitsFor as hitsIn, POLL, publishDraft as publish } from "./search-support.ts";

// This file's own Meilisearch, so the test can stop and restart it under a running CMS.
const dataDir = mkdtempSync(join(tmpdir(), "inkstone-meili-outage-"));
const masterKey = ephemeralSecrets().MEILI_MASTER_KEY;
let meiliPort: number;
let meili: ManagedProcess;
let api: CmsApi;
let index: ArticleIndex;
let creatorId: string;
let cmsEnv: StackEnv;

const startMeili = async () => {
  meili = await startMeilisearch({ dataDir, port: meiliPort, masterKey, logDir: join(dataDir, "logs") });
};

beforeAll(async () => {
  meiliPort = await freePort();
  await startMeili();
  const meiliUrl = `http://127.0.0.1:${meiliPort}`;
  const prefix = `${isolationId()}_`;
  const keys = await ensureApiKeys(meiliUrl, masterKey, prefix);
  const { env } = await startTestApps(["cms"], {
    MEILI_URL: meiliUrl,
    MEILI_MASTER_KEY: masterKey,
    MEILI_INDEX_PREFIX: prefix,
    MEILI_ADMIN_KEY: keys.adminKey,
    MEILI_SEARCH_KEY: keys.searchKey,
  });
  api = cmsApi(env);
  cmsEnv = env;
  index = connectIndex({ host: meiliUrl, apiKey: keys.searchKey, indexPrefix: prefix });
  creatorId = (await api.signUp("searchable")).user.documentId;
});
afterAll(async () => {
  await meili?.stop();
});

// While this file's Meilisearch is stopped on purpose, no answer means no hits; the polls wait it out.
const hitsFor = (q: string) => hitsIn(index, q);
const publishDraft = (runId: string, title: string) => publish(api, creatorId, runId, { title });

describe("search sync from the CMS outbox", () => {
  it("indexes a published article and removes it within one sync after unpublishing", async () => {
    const id = await publishDraft("run-sync-1", "Marmalade cartography for beginners");
    await expect.poll(() => hitsFor("marmalade"), POLL).toContain(id);
    expect((await api.unpublish(id, "en")).status).toBe(200);
    await expect.poll(() => hitsFor("marmalade"), POLL).not.toContain(id);
  });

  it("loses nothing while Meilisearch is down: five articles published during the outage are all found once, after", async () => {
    await meili.stop();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await publishDraft(`run-outage-${n}`, `Quokka field notes volume ${n}`));
    await startMeili();
    await expect.poll(() => hitsFor("quokka"), POLL).toEqual(expect.arrayContaining(ids));
    const hits = await hitsFor("quokka");
    expect(hits.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(hits).size).toBe(hits.length);
  });

  it("rebuilds the index with npm run reindex while queries keep answering", async () => {
    const ids = [await publishDraft("run-reindex-1", "Walrus choir rehearsal notes")];
    await expect.poll(() => hitsFor("walrus"), POLL).toEqual(ids);
    let queries = 0;
    let failures = 0;
    let reindexing = true;
    const asking = (async () => {
      while (reindexing) {
        queries++;
        if (!(await hitsFor("walrus")).length) failures++;
      }
    })();
    const { stdout } = await runCmsScript("scripts/reindex.ts", cmsEnv).finally(() => {
      reindexing = false;
    });
    await asking;
    expect(stdout).toMatch(/Indexed \d+ articles/);
    expect(queries).toBeGreaterThan(0);
    expect(failures).toBe(0);
    expect(await hitsFor("walrus")).toEqual(ids);
  });
});
