// The index follows its sources: an author's name, a tag's, a category's, the likes and the comments an article
// shows all reach the search hit (how many seconds each took is printed against the 5 s target), a burst of likes
// costs an index update per few seconds, and a burst cut short by a CMS restart still ends in the right count.
import { searchDocumentId } from "@inkstone/config";
import { type ArticleIndex, connectIndex, type SearchHit } from "@inkstone/search";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps, type TestStack } from "../../scripts/test/services.ts";
import { COUNTS_DELAY_MS, OUTBOX_TABLE } from "../src/lib/outbox.ts";
import { type CmsApi, cmsApi } from "./cms-api.ts";
import { POLL, publishDraft, searchHits } from "./search-support.ts";

/** The target: a changed source reaches the index in under 5 s. */
const TARGET_SECONDS = 5;
/**
 * How long a change is waited for. The time it took is printed against the target rather than asserted: on a
 * loaded machine Meilisearch alone can take seconds to index one document (performance targets are benchmarks'
 * business, not timed assertions). What the CMS adds is the batching delay (COUNTS_DELAY_MS) and the sync's 1 s poll.
 */
const REACH = { timeout: 30_000, interval: 50 };

let stack: TestStack;
let env: StackEnv;
let api: CmsApi;
let db: pg.Client;
/** The index as the community reads it (search key). */
let index: ArticleIndex;
/** The same index with the indexing key, to read a stored document's fields that hits do not carry. */
let stored: ArticleIndex;
let author: Awaited<ReturnType<CmsApi["signUp"]>>;
/** Members who like and comment. */
const readers: { jwt: string }[] = [];
const latencies: { source: string; seconds: number }[] = [];

beforeAll(async () => {
  stack = await startTestApps(["cms"]);
  ({ env } = stack);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  const target = { host: String(env.MEILI_URL), indexPrefix: String(env.MEILI_INDEX_PREFIX) };
  index = connectIndex({ ...target, apiKey: String(env.MEILI_SEARCH_KEY) });
  stored = connectIndex({ ...target, apiKey: String(env.MEILI_ADMIN_KEY) });
  author = await api.signUp("follow-author");
  for (let n = 0; n < 10; n++) readers.push(await api.signUp(`follow-reader-${n}`));
});
afterAll(async () => {
  await db?.end();
  if (!latencies.length) return;
  const max = Math.max(...latencies.map((l) => l.seconds));
  const within = latencies.filter((l) => l.seconds < TARGET_SECONDS).length;
  console.log(
    `A changed source reached the index in: ${latencies.map((l) => `${l.source} ${l.seconds.toFixed(2)} s`).join(", ")}` +
      `; max ${max.toFixed(2)} s, ${within} of ${latencies.length} under the ${TARGET_SECONDS} s target.`,
  );
});

/** The article's English hit for `q`, as the community's search returns it. */
const hitOf = async (documentId: string, q: string): Promise<SearchHit | undefined> =>
  (await searchHits(index, q)).find((hit) => hit.documentId === documentId);

/** Publishes an English article by the author and waits for it to be searchable. */
async function indexedArticle(runId: string, title: string, tags: string[] = []): Promise<string> {
  const documentId = await publishDraft(api, author.user.documentId, runId, { title, tags });
  await expect.poll(() => hitOf(documentId, title), POLL).toBeDefined();
  return documentId;
}

/** Makes `change`, then waits until `read` sees `expected`; records and prints how long it took. */
async function reachesIndex<T>(source: string, change: () => Promise<void>, read: () => Promise<T>, expected: T) {
  const started = performance.now();
  await change();
  await expect.poll(read, REACH).toEqual(expected);
  const seconds = (performance.now() - started) / 1000;
  latencies.push({ source, seconds });
  console.log(`${source}: reached the index in ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s)`);
}

const ok = (reply: { status: number; body: unknown }, status = 200) =>
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);

const like = async (member: { jwt: string }, article: string, active: boolean) =>
  ok(await api.call("PUT", "/api/reactions", { token: member.jwt, body: { data: { article, kind: "like", active } } }));

/** Outbox rows written for `documentId` after row `afterId`, and how many of them are still pending. */
async function outboxRows(documentId: string, afterId: number) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS written, count(*) FILTER (WHERE done_at IS NULL)::int AS pending
     FROM ${OUTBOX_TABLE} WHERE document_id = $1 AND id > $2`,
    [documentId, afterId],
  );
  return rows[0] as { written: number; pending: number };
}
const lastOutboxId = async () =>
  Number((await db.query(`SELECT coalesce(max(id), 0) AS id FROM ${OUTBOX_TABLE}`)).rows[0].id);

describe("the search index follows what its articles show", () => {
  it("shows an author's new display name, set on their own /profiles/me", async () => {
    const id = await indexedArticle("run-follow-profile", "Pangolin husbandry almanac");
    await reachesIndex(
      "profile display name",
      async () =>
        ok(
          await api.call("PUT", "/api/profiles/me", {
            token: author.jwt,
            body: { data: { displayName: "Ottoline Quill" } },
          }),
        ),
      async () => (await hitOf(id, "pangolin"))?.author?.displayName,
      "Ottoline Quill",
    );
  });

  it("shows a tag's new name, renamed by an editor", async () => {
    const id = await indexedArticle("run-follow-tag", "Axolotl breeding diary", ["axolotl lore"]);
    const tags = await api.call("GET", `/api/tags?filters[name][$eq]=${encodeURIComponent("axolotl lore")}`);
    const tag = tags.body.data[0].documentId as string;
    await reachesIndex(
      "tag name",
      async () =>
        ok(
          // The article is English: its hit shows the tag's English name.
          await api.admin("PUT", `/content-manager/collection-types/api::tag.tag/${tag}?locale=en`, {
            name: "axolotl science",
          }),
        ),
      async () => (await hitOf(id, "axolotl"))?.tags.map((t) => t.name),
      ["axolotl science"],
    );
  });

  it("shows a category's new name, renamed by an editor", async () => {
    // In English, the article's language: an article links the category of its own locale.
    const created = await api.admin("POST", "/content-manager/collection-types/api::category.category?locale=en", {
      name: "Reptile keeping",
      slug: "reptile-keeping",
    });
    ok(created, 201);
    const category = created.body.data.documentId as string;
    const id = await publishDraft(api, author.user.documentId, "run-follow-category", {
      title: "Iguana sunbathing schedule",
    });
    ok(
      await api.admin("PUT", `/content-manager/collection-types/api::article.article/${id}?locale=en`, {
        category: { connect: [{ documentId: category }] },
      }),
    );
    ok(await api.publish(id, "en"));
    await expect.poll(async () => (await hitOf(id, "iguana"))?.category?.name, POLL).toBe("Reptile keeping");
    await reachesIndex(
      "category name",
      async () =>
        ok(
          await api.admin("PUT", `/content-manager/collection-types/api::category.category/${category}?locale=en`, {
            name: "Lizard keeping",
          }),
        ),
      async () => (await hitOf(id, "iguana"))?.category?.name,
      "Lizard keeping",
    );
  });

  it("shows the likes members give", async () => {
    const id = await indexedArticle("run-follow-likes", "Narwhal tusk acoustics");
    const [first, second, third] = readers as [{ jwt: string }, { jwt: string }, { jwt: string }];
    await reachesIndex(
      "likes",
      async () => {
        for (const member of [first, second, third]) await like(member, id, true);
      },
      async () => (await hitOf(id, "narwhal"))?.likes,
      3,
    );
  });

  it("counts the comments members write", async () => {
    const id = await indexedArticle("run-follow-comments", "Capybara bathhouse etiquette");
    // Hits do not carry the comment count (yet): it is read from the stored document the hit is drawn from.
    const comments = async () =>
      (
        (await stored.client
          .index(stored.uid)
          .getDocument(searchDocumentId(id, "en"))
          .catch(() => undefined)) as { card?: { comments?: number } } | undefined
      )?.card?.comments;
    expect(await comments()).toBe(0);
    await reachesIndex(
      "comments",
      async () =>
        ok(
          await api.call("POST", "/api/comments", {
            token: (readers[0] as { jwt: string }).jwt,
            body: { data: { article: id, locale: "en", body: "Lovely." } },
          }),
          201,
        ),
      comments,
      1,
    );
  });

  it("turns a burst of 30 likes and unlikes into one index update per few seconds, with the final count", async () => {
    const id = await indexedArticle("run-follow-burst", "Okapi migration ledger");
    const before = await lastOutboxId();
    const started = performance.now();
    // Ten members each like, unlike and like again, side by side: 30 changes, 10 likes at the end.
    await Promise.all(
      readers.map(async (member) => {
        await like(member, id, true);
        await like(member, id, false);
        await like(member, id, true);
      }),
    );
    const burstMs = performance.now() - started;
    await reachesIndex(
      "likes after a burst",
      async () => {},
      async () => (await hitOf(id, "okapi"))?.likes,
      10,
    );
    // The hit can show the count a moment before the drain marks its rows done.
    await expect.poll(async () => (await outboxRows(id, before)).pending, POLL).toBe(0);
    const rows = await outboxRows(id, before);
    console.log(
      `Burst: 30 like changes in ${(burstMs / 1000).toFixed(2)} s cost ${rows.written} outbox row(s), so at most ` +
        `${rows.written} index update(s) for the article.`,
    );
    // One row per delay window the burst spans, and one more for a change that came as a row was being drained.
    expect(rows.written).toBeGreaterThanOrEqual(1);
    expect(rows.written).toBeLessThanOrEqual(Math.ceil(burstMs / COUNTS_DELAY_MS) + 1);
  });

  it("loses no like of a burst cut short by a CMS restart", async () => {
    const id = await indexedArticle("run-follow-restart", "Quetzal plumage census");
    const before = await lastOutboxId();
    await Promise.all(readers.map((member) => like(member, id, true)));
    await Promise.all(readers.slice(0, 4).map((member) => like(member, id, false)));
    await stack.stop();
    // The CMS stopped before the batched row was due: the likes are only in PostgreSQL.
    expect((await outboxRows(id, before)).pending).toBeGreaterThan(0);
    stack = await startTestApps(["cms"], env);
    await expect.poll(async () => (await hitOf(id, "quetzal"))?.likes, POLL).toBe(6);
    await expect.poll(async () => (await outboxRows(id, before)).pending, POLL).toBe(0);
  });
});
