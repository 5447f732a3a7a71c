// Tags and categories per locale (Strapi i18n): the API names them in the asked locale (the default, zh-CN, when
// none is asked), one slug is shared by every locale, articles link the tag of their own locale, the search
// document names them in the article's language, and the migration turns the old one-row "English · 中文" tags
// into both locales without losing a link.
import { type ArticleIndex, connectIndex, type SearchHit, search } from "@inkstone/search";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps, type TestStack } from "../../scripts/test/services.ts";
import { splitBilingual } from "../database/migrations/2026.12.03T00.00.00.taxonomy-locales.ts";
import { type CmsApi, cmsApi, draft } from "./cms-api.ts";
import { POLL } from "./search-support.ts";

const MIGRATION = "2026.12.03T00.00.00.taxonomy-locales";
const TAGS = "/content-manager/collection-types/api::tag.tag";
const CATEGORIES = "/content-manager/collection-types/api::category.category";
const ARTICLES = "/content-manager/collection-types/api::article.article";

let stack: TestStack;
let env: StackEnv;
let api: CmsApi;
let db: pg.Client;
let index: ArticleIndex;
let creator: Awaited<ReturnType<CmsApi["signUp"]>>;

beforeAll(async () => {
  stack = await startTestApps(["cms"]);
  ({ env } = stack);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  index = connectIndex({
    host: String(env.MEILI_URL),
    apiKey: String(env.MEILI_SEARCH_KEY),
    indexPrefix: String(env.MEILI_INDEX_PREFIX),
  });
  creator = await api.signUp("taxonomy-creator");
});
afterAll(async () => {
  await db?.end();
});

const ok = (reply: { status: number; body: unknown }, status = 200) =>
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);

/** A tag or category as an editor makes it in the admin: zh-CN first, then its English version. */
async function editorCreates(path: string, slug: string, zh: string, en: string): Promise<string> {
  const created = await api.admin("POST", `${path}?locale=zh-CN`, { name: zh, slug });
  ok(created, 201);
  const documentId = created.body.data.documentId as string;
  // The admin derives a slug from the English name; the CMS keeps the tag's one slug.
  ok(await api.admin("PUT", `${path}/${documentId}?locale=en`, { name: en, slug: `${slug}-en` }));
  return documentId;
}

/** The name the content API gives the tag or category `slug` for `query` (e.g. "locale=en"). */
async function nameOf(kind: "tags" | "categories", slug: string, query = "") {
  const reply = await api.call("GET", `/api/${kind}?filters[slug][$eq]=${slug}${query ? `&${query}` : ""}`);
  return { status: reply.status, names: (reply.body?.data ?? []).map((row: { name: string }) => row.name) };
}

/** An article in both languages with the tag and category, published in both; returns its documentId. */
async function bilingualArticle(runId: string, tag: string, category: string): Promise<string> {
  const saved = await api.saveDraft(runId, draft(creator.user.documentId, runId, { title: `Okapi census ${runId}` }));
  ok(saved);
  const { documentId } = saved.body.data;
  const relations = { tags: { set: [{ documentId: tag }] }, category: { set: [{ documentId: category }] } };
  ok(await api.admin("PUT", `${ARTICLES}/${documentId}?locale=en`, relations));
  ok(
    await api.admin("PUT", `${ARTICLES}/${documentId}?locale=zh-CN`, {
      title: `霍加狓普查 ${runId}`,
      slug: `okapi-zh-${runId}`,
      body: "## 为什么\n\n每个说法都有来源 [1]。\n",
      ...relations,
    }),
  );
  ok(await api.publish(documentId, "en"));
  ok(await api.publish(documentId, "zh-CN"));
  return documentId;
}

const hitOf = async (documentId: string, language: "en" | "zh-CN"): Promise<SearchHit | undefined> => {
  const result = await search(index, { q: "", language, limit: 50 }).catch(() => undefined);
  return result?.hits.find((hit) => hit.documentId === documentId);
};

const articleTaxonomy = async (documentId: string, locale: string) => {
  const read = await api.call("GET", `/api/articles/${documentId}?locale=${locale}`);
  ok(read);
  return {
    tags: read.body.data.tags.map((t: { name: string; slug: string }) => `${t.slug}=${t.name}`),
    category: `${read.body.data.category?.slug}=${read.body.data.category?.name}`,
  };
};

/** The test's tag and category, as each version of `documentId` links them: named in that version's language. */
async function expectNamedInEachLocale(documentId: string): Promise<void> {
  expect(await articleTaxonomy(documentId, "en")).toEqual({
    tags: ["okapi-lore=Okapi lore"],
    category: "field-notes=Field notes",
  });
  expect(await articleTaxonomy(documentId, "zh-CN")).toEqual({
    tags: ["okapi-lore=霍加狓知识"],
    category: "field-notes=野外笔记",
  });
}

describe("splitting an old bilingual name", () => {
  it("finds the English and the Chinese half in either order, and copies what does not split", () => {
    expect(splitBilingual("AI writing · AI 写作")).toEqual({ en: "AI writing", zh: "AI 写作" });
    expect(splitBilingual("引用 · Citations")).toEqual({ en: "Citations", zh: "引用" });
    expect(splitBilingual("Open source")).toEqual({ en: "Open source", zh: "Open source" });
    expect(splitBilingual("Rust · Go")).toEqual({ en: "Rust · Go", zh: "Rust · Go" });
    expect(splitBilingual("数据 · 新闻")).toEqual({ en: "数据 · 新闻", zh: "数据 · 新闻" });
    expect(splitBilingual("a · b · 中文")).toEqual({ en: "a · b · 中文", zh: "a · b · 中文" });
  });
});

describe("tags and categories per locale", () => {
  let tag: string;
  let category: string;
  let article: string;

  it("answers each locale's name, the default locale's when none is asked, one slug in every locale", async () => {
    tag = await editorCreates(TAGS, "okapi-lore", "霍加狓知识", "Okapi lore");
    category = await editorCreates(CATEGORIES, "field-notes", "野外笔记", "Field notes");
    expect(await nameOf("tags", "okapi-lore", "locale=en")).toEqual({ status: 200, names: ["Okapi lore"] });
    expect(await nameOf("tags", "okapi-lore", "locale=zh-CN")).toEqual({ status: 200, names: ["霍加狓知识"] });
    expect(await nameOf("tags", "okapi-lore")).toEqual({ status: 200, names: ["霍加狓知识"] });
    expect(await nameOf("categories", "field-notes", "locale=en")).toEqual({ status: 200, names: ["Field notes"] });
    expect(await nameOf("categories", "field-notes")).toEqual({ status: 200, names: ["野外笔记"] });
    const slugs = await db.query("SELECT locale, slug FROM tags WHERE document_id = $1 ORDER BY locale", [tag]);
    expect(slugs.rows).toEqual([
      { locale: "en", slug: "okapi-lore" },
      { locale: "zh-CN", slug: "okapi-lore" },
    ]);
  });

  it("finds nothing in a locale it does not have, as Strapi answers any content type", async () => {
    expect(await nameOf("tags", "okapi-lore", "locale=fr")).toEqual({ status: 200, names: [] });
    expect(await nameOf("categories", "field-notes", "locale=fr")).toEqual({ status: 200, names: [] });
  });

  it("links each article version to the tag of its own locale, and indexes the names in the article's language", async () => {
    article = await bilingualArticle("run-taxonomy-1", tag, category);
    await expectNamedInEachLocale(article);
    await expect.poll(async () => (await hitOf(article, "en"))?.tags.map((t) => t.name), POLL).toEqual(["Okapi lore"]);
    await expect.poll(async () => (await hitOf(article, "zh-CN"))?.category?.name, POLL).toEqual("野外笔记");
    expect((await hitOf(article, "zh-CN"))?.tags.map((t) => t.name)).toEqual(["霍加狓知识"]);
  });

  it("gives a tag a generated draft names in every locale, so a draft of either language links it", async () => {
    const saved = await api.saveDraft(
      "run-taxonomy-2",
      draft(creator.user.documentId, "run-taxonomy-2", { locale: "zh-CN", tags: ["霍加狓知识", "新标签"] }),
    );
    ok(saved);
    const versions = await db.query("SELECT locale, name FROM tags WHERE name = '新标签' ORDER BY locale");
    expect(versions.rows).toEqual([
      { locale: "en", name: "新标签" },
      { locale: "zh-CN", name: "新标签" },
    ]);
    const linked = await db.query(
      `SELECT DISTINCT t.locale, t.name FROM articles a JOIN articles_tags_lnk l ON l.article_id = a.id
       JOIN tags t ON t.id = l.tag_id WHERE a.document_id = $1 ORDER BY t.name`,
      [saved.body.data.documentId],
    );
    expect(linked.rows).toEqual([
      { locale: "zh-CN", name: "新标签" },
      { locale: "zh-CN", name: "霍加狓知识" },
    ]);
  });

  it("saves drafts that bring the same new tag at the same moment, all linking one tag in both locales", async () => {
    const runs = ["run-taxonomy-c1", "run-taxonomy-c2", "run-taxonomy-c3", "run-taxonomy-c4"];
    const saved = await Promise.all(
      runs.map((runId, i) =>
        api.saveDraft(
          runId,
          draft(creator.user.documentId, runId, { locale: i % 2 ? "en" : "zh-CN", tags: ["Concurrent okapis"] }),
        ),
      ),
    );
    for (const reply of saved) ok(reply);
    const versions = await db.query(
      "SELECT locale, count(DISTINCT document_id)::int AS documents FROM tags WHERE name = 'Concurrent okapis' GROUP BY locale ORDER BY locale",
    );
    expect(versions.rows).toEqual([
      { locale: "en", documents: 1 },
      { locale: "zh-CN", documents: 1 },
    ]);
  });

  it("migrates old one-row bilingual tags and categories into both locales, keeping every article's links", async () => {
    // The old shape: one row per tag, no locale, "English · 中文", linked from every article version.
    await stack.stop();
    for (const [table, link, column] of [
      ["tags", "articles_tags_lnk", "tag_id"],
      ["categories", "articles_category_lnk", "category_id"],
    ] as const) {
      await db.query(
        `UPDATE ${table} zh SET name = CASE WHEN en.name = zh.name THEN zh.name ELSE en.name || ' · ' || zh.name END
         FROM ${table} en WHERE en.document_id = zh.document_id AND en.locale = 'en' AND zh.locale = 'zh-CN'`,
      );
      await db.query(
        `UPDATE ${link} l SET ${column} = zh.id FROM ${table} en, ${table} zh
         WHERE l.${column} = en.id AND en.locale = 'en' AND zh.document_id = en.document_id AND zh.locale = 'zh-CN'`,
      );
      await db.query(`DELETE FROM ${table} WHERE locale = 'en'`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN locale`);
    }
    await db.query("DELETE FROM strapi_migrations WHERE name LIKE $1", [`${MIGRATION}%`]);
    const linksBefore = await db.query("SELECT count(*)::int AS n FROM articles_tags_lnk");
    const outboxBefore = await db.query("SELECT coalesce(max(id), 0) AS id FROM inkstone_outbox");

    stack = await startTestApps(["cms"], env);
    expect(await nameOf("tags", "okapi-lore", "locale=en")).toEqual({ status: 200, names: ["Okapi lore"] });
    expect(await nameOf("tags", "okapi-lore", "locale=zh-CN")).toEqual({ status: 200, names: ["霍加狓知识"] });
    expect(await nameOf("categories", "field-notes", "locale=en")).toEqual({ status: 200, names: ["Field notes"] });
    expect(await nameOf("categories", "field-notes", "locale=zh-CN")).toEqual({ status: 200, names: ["野外笔记"] });
    // A name that was never bilingual is the same in both.
    const plain = await db.query("SELECT DISTINCT locale, name FROM tags WHERE name = '新标签' ORDER BY locale");
    expect(plain.rows).toEqual([
      { locale: "en", name: "新标签" },
      { locale: "zh-CN", name: "新标签" },
    ]);
    await expectNamedInEachLocale(article);
    expect((await db.query("SELECT count(*)::int AS n FROM articles_tags_lnk")).rows).toEqual(linksBefore.rows);
    // The index showed the old names: the articles that show a migrated tag are queued to be read again.
    const queued = await db.query("SELECT DISTINCT document_id FROM inkstone_outbox WHERE id > $1", [
      outboxBefore.rows[0].id,
    ]);
    expect(queued.rows.map((row) => row.document_id)).toContain(article);
    const migrated = await db.query("SELECT count(*)::int AS n FROM strapi_migrations WHERE name LIKE $1", [
      `${MIGRATION}%`,
    ]);
    expect(migrated.rows[0].n).toBe(1);
  });
});
