import { type CmsApi, draft } from "../../../cms/test/cms-api.ts";

/** Content created the way the platform creates it: a member's generated draft, saved by the worker, published. */

export type Published = { documentId: string; slug: string; locale: "en" | "zh-CN"; title: string };

export async function publishArticle(
  api: CmsApi,
  creatorId: string,
  runId: string,
  overrides: Record<string, unknown> = {},
): Promise<Published> {
  const data = draft(creatorId, runId, overrides);
  const saved = await api.saveDraft(runId, data);
  if (saved.status !== 200) throw new Error(`draft not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
  const { documentId, locale } = saved.body.data as { documentId: string; locale: "en" | "zh-CN" };
  const published = await api.publish(documentId, locale);
  if (published.status !== 200) throw new Error(`not published: ${published.status} ${JSON.stringify(published.body)}`);
  const read = await api.call("GET", `/api/articles/${documentId}?locale=${locale}`);
  return { documentId, locale, slug: read.body.data.slug, title: read.body.data.title };
}

/** A body that cites its two sources, and the sources. */
export const citedBody = {
  body: "## Why sources matter\n\nEvery claim cites what was read [1]. Some claims need two [1] [2].\n\n## How\n\nKeep notes as you read [2].\n",
  sources: [
    { title: "First source", url: "https://example.org/first", excerpt: "What the first one says." },
    { title: "Second source", url: "https://example.org/second", excerpt: "What the second one says." },
  ],
};
