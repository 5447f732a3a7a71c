import { beforeAll, describe, expect, it } from "vitest";
import { reindex, SearchError, tenantToken } from "../src/index.ts";
import { article, batches } from "./support/articles.ts";
import { type TestIndexes, testIndexes } from "./support/meili.ts";

let meili: TestIndexes;
beforeAll(async () => {
  meili = await testIndexes();
  await reindex(batches([article({ documentId: "t1", title: "Tidal pools" })]), { index: meili.admin });
  await meili.admin.client.createIndex(`${meili.prefix}private`, { primaryKey: "id" }).waitTask();
});

const query = async (token: string, uid: string) => {
  const response = await fetch(`${meili.url}/indexes/${uid}/search`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ q: "tidal" }),
  });
  return { status: response.status, body: (await response.json()) as { hits?: { id: string }[] } };
};

describe("tenantToken", () => {
  it("lets a browser search the articles index directly", async () => {
    const { token, indexUid, expiresAt } = await tenantToken({
      searchKey: meili.searchKey,
      searchKeyUid: meili.searchKeyUid,
      indexPrefix: meili.prefix,
      expiresInSeconds: 300,
    });
    expect(indexUid).toBe(meili.admin.uid);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    const { status, body } = await query(token, indexUid);
    expect(status).toBe(200);
    expect(body.hits?.map((hit) => hit.id)).toEqual(["t1-en"]);
  });

  it("opens no other index, even one the search key could read", async () => {
    const { token } = await tenantToken({
      searchKey: meili.searchKey,
      searchKeyUid: meili.searchKeyUid,
      indexPrefix: meili.prefix,
    });
    expect((await query(token, `${meili.prefix}private`)).status).toBe(403);
  });

  it("stops working when it expires", async () => {
    const { token } = await tenantToken({
      searchKey: meili.searchKey,
      searchKeyUid: meili.searchKeyUid,
      indexPrefix: meili.prefix,
      expiresInSeconds: 60,
      now: new Date(Date.now() - 120_000),
    });
    expect((await query(token, meili.admin.uid)).status).toBe(403);
  });

  it.each([0, 86_401, 1.5])("refuses a lifetime of %s seconds", async (expiresInSeconds) => {
    await expect(
      tenantToken({ searchKey: meili.searchKey, searchKeyUid: meili.searchKeyUid, expiresInSeconds }),
    ).rejects.toBeInstanceOf(SearchError);
  });
});
