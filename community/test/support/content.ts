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

const CONTENT_MANAGER = "/content-manager/collection-types";

/** A tag or category as an editor makes it in the admin: its zh-CN name first, then its English version. */
export async function editorTaxonomy(
  api: CmsApi,
  kind: "tag" | "category",
  slug: string,
  names: { en: string; "zh-CN": string },
): Promise<string> {
  const path = `${CONTENT_MANAGER}/api::${kind}.${kind}`;
  const created = await api.admin("POST", `${path}?locale=zh-CN`, { name: names["zh-CN"], slug });
  if (created.status !== 201) throw new Error(`${kind} not created: ${created.status} ${JSON.stringify(created.body)}`);
  const documentId = created.body.data.documentId as string;
  const english = await api.admin("PUT", `${path}/${documentId}?locale=en`, { name: names.en, slug });
  if (english.status !== 200)
    throw new Error(`${kind} not translated: ${english.status} ${JSON.stringify(english.body)}`);
  return documentId;
}

/**
 * A generated English article given a Chinese version by an editor, both linked to `tag` and `category`
 * (documentIds) and published; the slugs of both versions.
 */
export async function publishBilingual(
  api: CmsApi,
  creatorId: string,
  runId: string,
  { tag, category, zhTitle }: { tag: string; category: string; zhTitle: string },
): Promise<{ documentId: string; en: string; zh: string }> {
  const english = await publishArticle(api, creatorId, runId);
  const path = `${CONTENT_MANAGER}/api::article.article/${english.documentId}`;
  const relations = { tags: { set: [{ documentId: tag }] }, category: { set: [{ documentId: category }] } };
  const zh = `${runId}-zh`;
  for (const [locale, data] of [
    ["en", relations],
    ["zh-CN", { title: zhTitle, slug: zh, body: "## 为什么\n\n每个说法都有来源 [1]。\n", ...relations }],
  ] as const) {
    const saved = await api.admin("PUT", `${path}?locale=${locale}`, data);
    if (saved.status !== 200) throw new Error(`${locale} not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
    const published = await api.publish(english.documentId, locale);
    if (published.status !== 200) throw new Error(`${locale} not published: ${JSON.stringify(published.body)}`);
  }
  return { documentId: english.documentId, en: english.slug, zh };
}
