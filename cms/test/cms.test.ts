import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, draft } from "./cms-api.ts";
import { runSeed } from "./run-cms-script.ts";

let api: CmsApi;
let db: pg.Client;
let workerToken: string;
let communityToken: string;
let stackEnv: StackEnv;

beforeAll(async () => {
  const { env } = await startTestApps(["cms"]);
  stackEnv = env;
  api = cmsApi(env);
  workerToken = String(env.CMS_WORKER_TOKEN);
  communityToken = String(env.CMS_COMMUNITY_TOKEN);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
});

const outboxFor = async (documentId: string) =>
  (await db.query("SELECT action, locale FROM inkstone_outbox WHERE document_id = $1 ORDER BY id", [documentId])).rows;

/** A published English article by a fresh member; returns its documentId and the author. */
async function publishedArticle(runId: string) {
  const author = await api.signUp(`author-${runId}`.toLowerCase());
  const saved = await api.saveDraft(runId, draft(author.user.documentId, runId));
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const { documentId } = saved.body.data;
  expect((await api.publish(documentId, "en")).status).toBe(200);
  return { documentId, author };
}

describe("start-up", () => {
  it("runs the migrations and indexes the content-type tables on a fresh database", async () => {
    const migrations = await db.query("SELECT name FROM strapi_migrations");
    expect(migrations.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "2026.11.29T00.00.00.search-outbox.js",
        "2026.12.01T00.00.00.signin-throttle.js",
        "2026.12.01T00.00.01.member-identities.js",
        "2026.12.02T00.00.00.search-outbox-not-before.js",
      ]),
    );
    const indexes = await db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
    expect(indexes.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        "inkstone_outbox_pending",
        "inkstone_outbox_pending_document",
        "reactions_key_unique",
        "follows_key_unique",
        "comments_article_idx",
        "reactions_article_idx",
        "member_sessions_token_unique",
        "member_sessions_user_idx",
        "member_sessions_expiry_idx",
        "up_users_username_lower_unique",
        "inkstone_signin_failures_account",
        "inkstone_signin_failures_pair",
      ]),
    );
  });

  it("echoes a caller's valid x-request-id, and names a request that has none or a bad one", async () => {
    const withId = (id?: string) =>
      fetch(`${stackEnv.CMS_URL}/api/articles`, { headers: id === undefined ? {} : { "x-request-id": id } });
    expect((await withId("community-42.a:b")).headers.get("x-request-id")).toBe("community-42.a:b");
    for (const given of [undefined, "no spaces allowed", "x".repeat(65)]) {
      const named = (await withId(given)).headers.get("x-request-id");
      expect(named).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("publishing", () => {
  it("keeps a draft from Public until an editor publishes it", async () => {
    const author = await api.signUp("drafter");
    const saved = await api.saveDraft("run-draft-1", draft(author.user.documentId, "run-draft-1"));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const { documentId, created } = saved.body.data;
    expect(created).toBe(true);

    expect((await api.call("GET", `/api/articles/${documentId}?locale=en`)).status).toBe(404);
    const listed = await api.call("GET", `/api/articles?locale=en&filters[documentId][$eq]=${documentId}`);
    expect(listed.body.data).toEqual([]);

    const published = await api.publish(documentId, "en");
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const read = await api.call("GET", `/api/articles/${documentId}?locale=en`);
    expect(read.status).toBe(200);
    expect(read.body.data.title).toBe("Writing with sources run-draft-1");
    expect(read.body.data.author.handle).toBe("drafter");
    expect(read.body.data.tags.map((t: { name: string }) => t.name).sort()).toEqual(["ai", "writing"]);
    expect(read.body.data.sources).toHaveLength(1);
    expect(read.body.data.generation.offlineWriter).toBe(true);

    const notes = await api.call("GET", "/api/notifications/mine", { token: author.jwt });
    expect(notes.body.data.map((n: { kind: string }) => n.kind).sort()).toEqual([
      "generation_finished",
      "review_published",
    ]);
  });

  it("writes outbox rows for publish, unpublish and delete in the same transaction", async () => {
    const { documentId } = await publishedArticle("run-outbox");
    expect((await api.unpublish(documentId, "en")).status).toBe(200);
    expect((await api.remove(documentId, "en")).status).toBe(200);
    const actions = (await outboxFor(documentId)).map((r) => `${r.action}:${r.locale}`);
    // publish → upsert, unpublish → remove, delete → remove (the draft save is an update: upsert).
    expect(actions).toContain("upsert:en");
    expect(actions.filter((a) => a === "remove:en").length).toBeGreaterThanOrEqual(2);
    expect(actions.at(-1)).toBe("remove:en");
  });
});

describe("generation drafts", () => {
  it("keeps one draft per run id however often the worker saves it", async () => {
    const creator = await api.signUp("twice");
    const first = await api.saveDraft("run-twice", draft(creator.user.documentId, "run-twice"));
    const second = await api.saveDraft(
      "run-twice",
      draft(creator.user.documentId, "run-twice", { title: "Writing with sources, revised" }),
    );
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({ documentId: first.body.data.documentId, locale: "en", created: false });
    const rows = await db.query("SELECT title FROM articles WHERE document_id = $1", [first.body.data.documentId]);
    expect(rows.rows).toEqual([{ title: "Writing with sources, revised" }]);
    const finished = await db.query(
      "SELECT count(*)::int AS n FROM notifications WHERE run_id = 'run-twice' AND kind = 'generation_finished'",
    );
    expect(finished.rows[0].n).toBe(1);
  });

  it("tells the creator of a failure once, and again when a retried run fails after they read the first notice", async () => {
    const creator = await api.signUp("fails-twice");
    const report = () =>
      api.call("POST", "/api/generation/runs/run-fails-twice/failed", {
        token: workerToken,
        body: { data: { creatorId: creator.user.documentId, topic: "Tides", reason: "nothing could be read" } },
      });
    const notices = async () =>
      (
        await db.query(
          "SELECT count(*)::int AS n FROM notifications WHERE run_id = 'run-fails-twice' AND kind = 'generation_failed'",
        )
      ).rows[0].n;
    expect((await report()).body.data.notified).toBe(true);
    expect((await report()).body.data.notified).toBe(false);
    expect(await notices()).toBe(1);
    await db.query("UPDATE notifications SET read = true WHERE run_id = 'run-fails-twice'");
    expect((await report()).body.data.notified).toBe(true);
    expect(await notices()).toBe(2);
  });

  it("lets only the worker's token save drafts, and that token nothing else", async () => {
    const creator = await api.signUp("tokens");
    const asCommunity = await api.saveDraft("run-tok", draft(creator.user.documentId, "run-tok"), communityToken);
    expect(asCommunity.status).toBe(403);
    const asMember = await api.saveDraft("run-tok", draft(creator.user.documentId, "run-tok"), creator.jwt);
    expect(asMember.status).toBe(403);
    expect((await api.call("GET", "/api/articles", { token: workerToken })).status).toBe(403);
    expect((await api.call("GET", "/api/articles", { token: communityToken })).status).toBe(200);
  });

  it.each([
    ["a missing title", { title: undefined }, "title"],
    ["an unknown field", { extra: 1 }, ""],
    ["a javascript: source", { sources: [{ title: "x", url: "javascript:alert(1)" }] }, "sources.0.url"],
    ["an unknown creator", { creatorId: "nobody-here" }, "creatorId"],
  ])("answers 400 naming the field for %s, and writes nothing", async (_name, overrides, path) => {
    const creator = await api.signUp(`bad-${path.replace(/\W/g, "") || "extra"}`);
    const before = (await db.query("SELECT count(*)::int AS n FROM articles")).rows[0].n;
    const reply = await api.saveDraft("run-bad", { ...draft(creator.user.documentId, "run-bad"), ...overrides });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBeTruthy();
    if (path) expect(reply.body.error.details.errors.map((e: { path: string[] }) => e.path.join("."))).toContain(path);
    expect((await db.query("SELECT count(*)::int AS n FROM articles")).rows[0].n).toBe(before);
  });
});

describe("members own their rows", () => {
  it("lets nobody edit or delete another member's comment, nor read their notifications", async () => {
    const { documentId, author } = await publishedArticle("run-own");
    const alice = await api.signUp("alice");
    const bob = await api.signUp("bob");
    const comment = await api.call("POST", "/api/comments", {
      token: alice.jwt,
      body: {
        data: { article: documentId, locale: "en", body: "First! <script>alert(1)</script>[x](javascript:alert(1))" },
      },
    });
    expect(comment.status, JSON.stringify(comment.body)).toBe(201);
    expect(comment.body.data.body).toBe("First! x");
    const id = comment.body.data.id;

    const edit = await api.call("PUT", `/api/comments/${id}`, { token: bob.jwt, body: { data: { body: "mine now" } } });
    expect(edit.status).toBe(403);
    expect((await api.call("DELETE", `/api/comments/${id}`, { token: bob.jwt })).status).toBe(403);
    expect((await api.call("DELETE", `/api/comments/${id}`)).status).toBe(403);

    // The author was notified; Bob sees none of it and cannot mark it read.
    const authorNotes = await api.call("GET", "/api/notifications/mine", { token: author.jwt });
    const commentNote = authorNotes.body.data.find((n: { kind: string }) => n.kind === "comment_on_article");
    expect(commentNote.actor.handle).toBe("alice");
    const bobNotes = await api.call("GET", "/api/notifications/mine", { token: bob.jwt });
    expect(bobNotes.body.data).toEqual([]);
    const bobMarks = await api.call("POST", "/api/notifications/read", {
      token: bob.jwt,
      body: { data: { ids: [commentNote.id] } },
    });
    expect(bobMarks.body.data?.marked, JSON.stringify(bobMarks.body)).toBe(0);
    const stillUnread = await api.call("GET", "/api/notifications/mine?unread=true", { token: author.jwt });
    expect(stillUnread.body.data.map((n: { id: string }) => n.id)).toContain(commentNote.id);
    const authorMarks = await api.call("POST", "/api/notifications/read", {
      token: author.jwt,
      body: { data: { ids: [commentNote.id] } },
    });
    expect(authorMarks.body.data).toEqual({ marked: 1 });
    const afterReading = await api.call("GET", "/api/notifications/mine?unread=true", { token: author.jwt });
    expect(afterReading.body.data.map((n: { id: string }) => n.id)).not.toContain(commentNote.id);
    expect(afterReading.body.meta.unread).toBe(stillUnread.body.meta.unread - 1);

    // Alice edits and deletes her own.
    const own = await api.call("PUT", `/api/comments/${id}`, { token: alice.jwt, body: { data: { body: "Edited" } } });
    expect(own.body.data).toMatchObject({ body: "Edited", edited: true });
    expect((await api.call("DELETE", `/api/comments/${id}`, { token: alice.jwt })).status).toBe(200);
    const thread = await api.call("GET", `/api/comments?article=${documentId}&locale=en`);
    expect(thread.body.data).toEqual([expect.objectContaining({ id, visibility: "deleted", body: "", author: null })]);
  });

  it.each([
    ["an empty comment", "/api/comments", "POST", { body: "   " }, "body"],
    ["an unknown field", "/api/comments", "POST", { body: "hi", admin: true }, ""],
    ["a reaction kind that does not exist", "/api/reactions", "PUT", { kind: "love", active: true }, "kind"],
    ["a follow without a target", "/api/follows", "PUT", { targetType: "author", active: true }, "target"],
  ])("answers 400 with field messages for %s, and writes nothing", async (_name, path, method, data, field) => {
    const { documentId } = await publishedArticle(`run-400-${field || "x"}-${method}`);
    const member = await api.signUp(`m400-${field || "x"}-${method}`.toLowerCase());
    const before = (
      await db.query(
        "SELECT (SELECT count(*) FROM comments) + (SELECT count(*) FROM reactions) + (SELECT count(*) FROM follows) AS n",
      )
    ).rows[0].n;
    const reply = await api.call(method, path, {
      token: member.jwt,
      body: { data: { article: documentId, locale: "en", ...data } },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    if (field) expect(reply.body.error.details.errors.map((e: { path: string[] }) => e.path[0])).toContain(field);
    const after = (
      await db.query(
        "SELECT (SELECT count(*) FROM comments) + (SELECT count(*) FROM reactions) + (SELECT count(*) FROM follows) AS n",
      )
    ).rows[0].n;
    expect(after).toBe(before);
  });
});

describe("reactions", () => {
  it("keeps a double like one like, and counts right under concurrent toggles", async () => {
    const { documentId } = await publishedArticle("run-likes");
    const [first, second, third, fourth] = await Promise.all(
      ["l1", "l2", "l3", "l4"].map((name) => api.signUp(`likes-${name}`)),
    );
    if (!first || !second || !third || !fourth) throw new Error("expected four members");
    const members = [first, second, third, fourth];
    const like = (jwt: string, active: boolean) =>
      api.call("PUT", "/api/reactions", { token: jwt, body: { data: { article: documentId, kind: "like", active } } });

    const [a, b] = await Promise.all([like(first.jwt, true), like(first.jwt, true)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.data.likes).toBe(1);

    await like(third.jwt, true);
    await like(fourth.jwt, true);
    // 40 concurrent requests: members 0 and 1 like, 2 and 3 take theirs back, whatever the interleaving.
    const burst = members.flatMap((m, i) => Array.from({ length: 10 }, () => like(m.jwt, i < 2)));
    const replies = await Promise.all(burst);
    expect(replies.every((r) => r.status === 200)).toBe(true);

    const rows = await db.query(
      "SELECT count(*)::int AS n FROM reactions WHERE article_document_id = $1 AND kind = 'like'",
      [documentId],
    );
    const counts = await db.query("SELECT DISTINCT likes_count FROM articles WHERE document_id = $1", [documentId]);
    expect(rows.rows[0].n).toBe(2);
    expect(counts.rows).toEqual([{ likes_count: 2 }]);
    const read = await api.call("GET", `/api/articles/${documentId}?locale=en`);
    expect(read.body.data.likesCount).toBe(2);
  });
});

describe("demo content", () => {
  it("loads about 60 articles in both languages with members, comments, likes and follows, idempotently", async () => {
    const first = await runSeed(stackEnv);
    expect(first.output).toMatch(/Seeding: \d+\/\d+/);
    expect(first.created).toBe(53); // 8 members, 10 tags, 5 categories, 30 articles in two languages each
    const count = async (sql: string) => (await db.query(sql)).rows[0].n as number;
    const published =
      "SELECT count(*)::int AS n FROM articles WHERE published_at IS NOT NULL AND slug NOT LIKE 'writing-with-sources-run%'";
    expect(await count(`${published} AND locale = 'en'`)).toBeGreaterThanOrEqual(30);
    expect(await count(`${published} AND locale = 'zh-CN'`)).toBeGreaterThanOrEqual(30);
    expect(await count("SELECT count(*)::int AS n FROM comments")).toBeGreaterThan(0);
    const second = await runSeed(stackEnv);
    expect(second.created).toBe(0);
    // Tags and categories are named in each language, under one slug.
    const named = async (path: string, locale: string) =>
      (await api.call("GET", `/api/${path}&locale=${locale}`)).body.data.map((row: { name: string }) => row.name);
    expect(await named("tags?filters[slug][$eq]=citations", "en")).toEqual(["Citations"]);
    expect(await named("tags?filters[slug][$eq]=citations", "zh-CN")).toEqual(["引用"]);
    expect(await named("categories?filters[slug][$eq]=guides", "en")).toEqual(["Guides"]);
    expect(await named("categories?filters[slug][$eq]=guides", "zh-CN")).toEqual(["指南"]);
    const chips = await api.call(
      "GET",
      "/api/articles?locale=en&filters[tags][slug][$eq]=citations&pagination[pageSize]=1",
    );
    expect(chips.body.data[0].tags.map((tag: { name: string }) => tag.name)).toContain("Citations");
    const listed = await api.call("GET", "/api/articles?locale=zh-CN&pagination[pageSize]=5&sort=publishedAt:desc");
    expect(listed.body.meta.pagination.total).toBeGreaterThanOrEqual(30);
    expect(listed.body.data[0].author.displayName).toBeTruthy();
    const liked = await count(
      "SELECT count(*)::int AS n FROM articles WHERE likes_count > 0 AND published_at IS NOT NULL",
    );
    expect(liked).toBeGreaterThan(0);
  });
});

describe("following and moderation", () => {
  it("builds the following feed from followed authors and tags", async () => {
    const { documentId, author } = await publishedArticle("run-feed");
    const reader = await api.signUp("feed-reader");
    const empty = await api.call("GET", "/api/feed/following?locale=en", { token: reader.jwt });
    expect(empty.body.data).toEqual([]);
    const follow = await api.call("PUT", "/api/follows", {
      token: reader.jwt,
      body: { data: { targetType: "author", target: author.user.username, active: true } },
    });
    expect(follow.status, JSON.stringify(follow.body)).toBe(200);
    const feed = await api.call("GET", "/api/feed/following?locale=en", { token: reader.jwt });
    expect(feed.body.data.map((a: { documentId: string }) => a.documentId)).toEqual([documentId]);
    const mine = await api.call("GET", "/api/follows/mine", { token: reader.jwt });
    expect(mine.body.data.authors).toEqual([{ handle: author.user.username, displayName: author.user.username }]);
    const notes = await api.call("GET", "/api/notifications/mine", { token: author.jwt });
    expect(notes.body.data.map((n: { kind: string }) => n.kind)).toContain("new_follower");
    expect((await api.call("GET", "/api/feed/following?locale=en")).status).toBe(403);
  });

  it("lets an editor hide a comment (gone from the thread, not counted) and block a member", async () => {
    const { documentId } = await publishedArticle("run-moderate");
    const troll = await api.signUp("troll");
    const posted = await api.call("POST", "/api/comments", {
      token: troll.jwt,
      body: { data: { article: documentId, locale: "en", body: "Rude words" } },
    });
    const count = async () =>
      (await db.query("SELECT DISTINCT comments_count AS n FROM articles WHERE document_id = $1", [documentId])).rows;
    expect(await count()).toEqual([{ n: 1 }]);

    const hidden = await api.admin(
      "PUT",
      `/content-manager/collection-types/api::comment.comment/${posted.body.data.id}`,
      {
        visibility: "hidden",
      },
    );
    expect(hidden.status, JSON.stringify(hidden.body)).toBe(200);
    const thread = await api.call("GET", `/api/comments?article=${documentId}&locale=en`);
    expect(thread.body.data).toEqual([]);
    expect(await count()).toEqual([{ n: 0 }]);

    const blocked = await api.admin(
      "PUT",
      `/content-manager/collection-types/plugin::users-permissions.user/${troll.user.documentId}`,
      {
        blocked: true,
      },
    );
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    const again = await api.call("POST", "/api/comments", {
      token: troll.jwt,
      body: { data: { article: documentId, locale: "en", body: "Still here?" } },
    });
    expect([401, 403]).toContain(again.status);
  });
});
