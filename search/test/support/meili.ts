import { afterAll } from "vitest";
import { isolationId, testInfra } from "../../../scripts/test/services.ts";
import { type ArticleIndex, apiKeyUids, connectIndex, ensureApiKeys } from "../../src/index.ts";

export type TestIndexes = {
  prefix: string;
  /** Admin key: sync, reindex, settings. */
  admin: ArticleIndex;
  /** Search-only key: what the community uses. */
  reader: ArticleIndex;
  searchKey: string;
  searchKeyUid: string;
  url: string;
};

/**
 * This file's own index prefix on the shared Meilisearch, with the admin and search-only keys for it (the
 * module never sees the master key). Its indexes are deleted after the file's tests.
 */
export async function testIndexes(
  url = testInfra().meiliUrl,
  masterKey = testInfra().meiliMasterKey,
): Promise<TestIndexes> {
  const prefix = `${isolationId()}_`;
  const keys = await ensureApiKeys(url, masterKey, prefix);
  const admin = connectIndex({ host: url, apiKey: keys.adminKey, indexPrefix: prefix });
  afterAll(async () => {
    for (const uid of [admin.uid, admin.nextUid]) await admin.client.deleteIndex(uid).catch(() => {});
  });
  return {
    prefix,
    admin,
    reader: connectIndex({ host: url, apiKey: keys.searchKey, indexPrefix: prefix }),
    searchKey: keys.searchKey,
    searchKeyUid: apiKeyUids(prefix).search,
    url,
  };
}
