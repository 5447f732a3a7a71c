// What the studio and review tests share: a creator's generated draft, the studio's routes as a member calls them,
// and the editor's review decisions as the admin panel makes them.
import { randomBytes } from "node:crypto";
import type { StudioArticle } from "@inkstone/config";
import { expect } from "vitest";
import { type CmsApi, draft, type Reply } from "./cms-api.ts";

export const ARTICLES = "/content-manager/collection-types/api::article.article";

export const unique = (name: string) => `${name}-${randomBytes(3).toString("hex")}`;

/** A member's generated draft (the worker saves it, as at the end of a run); returns its document id. */
export async function generatedDraft(api: CmsApi, creatorId: string, overrides: Record<string, unknown> = {}) {
  const runId = unique("run-studio");
  const saved = await api.saveDraft(runId, draft(creatorId, runId, overrides));
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return { documentId: saved.body.data.documentId as string, runId };
}

/** The studio's routes, as the community calls them with a member's JWT (or as `token`, anyone). */
export function studioOf(api: CmsApi) {
  const call = (token: string | undefined, method: string, path: string, body?: unknown) =>
    api.call(method, `/api/studio/articles${path}`, { token, body });
  return {
    call,
    list: (token: string, query = "") => call(token, "GET", query ? `?${query}` : ""),
    read: (token: string, documentId: string, locale = "en") => call(token, "GET", `/${documentId}?locale=${locale}`),
    save: (token: string, documentId: string, data: Record<string, unknown>, locale = "en") =>
      call(token, "PUT", `/${documentId}?locale=${locale}`, { data }),
    submit: (token: string, documentId: string, locale = "en") =>
      call(token, "POST", `/${documentId}/submit?locale=${locale}`),
    withdraw: (token: string, documentId: string, locale = "en") =>
      call(token, "POST", `/${documentId}/withdraw?locale=${locale}`),
  };
}

/** What a save sends: the draft as read, with `changes`. */
export function edited(article: StudioArticle, changes: Record<string, unknown> = {}) {
  return {
    title: article.title,
    summary: article.summary,
    body: article.body,
    sources: article.sources,
    version: article.version,
    ...changes,
  };
}

export const ok = (reply: Reply, status = 200) => expect(reply.status, JSON.stringify(reply.body)).toBe(status);

/** An editor's decision in the article's edit view (the admin saves the draft with the state and note). */
export const decide = (api: CmsApi, documentId: string, reviewState: string, reviewNote?: string, locale = "en") =>
  api.admin("PUT", `${ARTICLES}/${documentId}?locale=${locale}`, {
    reviewState,
    ...(reviewNote === undefined ? {} : { reviewNote }),
  });
