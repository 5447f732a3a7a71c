// What the tests of the CMS's search sync share: publishing an article and reading the index as the community does.
import { type ArticleIndex, type SearchHit, search } from "@inkstone/search";
import { expect } from "vitest";
import { type CmsApi, draft } from "./cms-api.ts";

/** The sync is asynchronous: what a query finds is checked until it matches, for up to a minute. */
export const POLL = { timeout: 60_000, interval: 250 };

/** Saves a generated draft by `creatorId` and publishes it in English; returns its documentId. */
export async function publishDraft(
  api: CmsApi,
  creatorId: string,
  runId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const saved = await api.saveDraft(runId, draft(creatorId, runId, overrides));
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const { documentId } = saved.body.data;
  expect((await api.publish(documentId, "en")).status).toBe(200);
  return documentId;
}

/** The English hits for `q`, through the search module as the community asks; none while Meilisearch is down. */
export async function searchHits(index: ArticleIndex, q: string): Promise<SearchHit[]> {
  const result = await search(index, { q, language: "en", limit: 50 }).catch(() => undefined);
  return result?.hits ?? [];
}

/** The documentIds of the English hits for `q`. */
export const hitsFor = async (index: ArticleIndex, q: string): Promise<string[]> =>
  (await searchHits(index, q)).map((hit) => hit.documentId);
