// Editors' review in the admin against the real CMS, PostgreSQL and mail catcher, done the way the admin panel does
// it (the content manager's API with an editor's admin JWT): every state change of a creator's article, the note a
// decision needs, the creator told by notification and mail, publishing's state on both versions, the Preview
// button's signed link, the framing it needs, the list views editors work from, and the migration of older rows.
import { readFileSync } from "node:fs";
import { REVIEW_STATES } from "@inkstone/config";
import { checkPreview } from "@inkstone/config/preview";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { mailbox } from "../../scripts/test/mailbox.ts";
import { startTestApps, type TestStack } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi } from "./cms-api.ts";
import { ARTICLES, decide, edited, generatedDraft, ok, studioOf, unique } from "./studio-support.ts";

const MIGRATION = "2026.12.05T00.00.00.review-state";
const COMMENTS = "/content-manager/collection-types/api::comment.comment";

let stack: TestStack;
let env: StackEnv;
let api: CmsApi;
let db: pg.Client;
let studio: ReturnType<typeof studioOf>;
type Creator = Awaited<ReturnType<CmsApi["signUp"]>> & { email: string };

beforeAll(async () => {
  // Digests are looked for every 2 s, so the one a test makes due goes out at once.
  stack = await startTestApps(["cms"], { MAIL_DIGEST_CHECK_SECONDS: "2" });
  ({ env } = stack);
  api = cmsApi(env);
  studio = studioOf(api);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
});

/** A creator whose address is confirmed (so decisions reach them by mail too), mailed in `locale`. */
async function creatorIn(locale: "en" | "zh-CN"): Promise<Creator> {
  const member = await api.signUp(unique("creator"));
  await db.query("UPDATE up_users SET confirmed = true WHERE document_id = $1", [member.user.documentId]);
  ok(await api.call("PUT", "/api/accounts/me/mail-preferences", { token: member.jwt, body: { data: { locale } } }));
  return { ...member, email: `${member.user.username}@example.test` };
}
/** A creator's draft, submitted for review. */
async function submitted(creator: Creator, overrides: { locale?: string; title?: string } = {}) {
  const { documentId } = await generatedDraft(api, creator.user.documentId, overrides);
  ok(await studio.submit(creator.jwt, documentId, overrides.locale));
  return documentId;
}
const notificationsOf = async (creator: Creator) =>
  (await api.call("GET", "/api/notifications/mine", { token: creator.jwt })).body.data as {
    kind: string;
    message: string;
    article: string;
    locale: string;
    count: number;
  }[];
const statesOf = async (documentId: string) =>
  (
    await db.query(
      "SELECT locale, published_at IS NOT NULL AS published, review_state, review_note, submitted_at FROM articles WHERE document_id = $1 ORDER BY published_at NULLS FIRST",
      [documentId],
    )
  ).rows;
const mail = () => mailbox();

describe("the review of a creator's article", () => {
  it("keeps the states the shared contract names", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../src/api/article/content-types/article/schema.json", import.meta.url), "utf8"),
    );
    expect(schema.attributes.reviewState.enum).toEqual([...REVIEW_STATES]);
  });

  it("goes submitted → changes requested with a note → edited → submitted → published, the creator told each time", async () => {
    const creator = await creatorIn("en");
    const documentId = await submitted(creator);
    const title = (await studio.read(creator.jwt, documentId)).body.data.title as string;

    // Asking for changes without a note fails with a message, and changes nothing.
    for (const note of [undefined, "", "   "]) {
      const refused = await decide(api, documentId, "changes_requested", note);
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.error.message).toMatch(/note the creator can act on/);
      expect(refused.body.error.details.errors[0].path).toEqual(["reviewNote"]);
    }
    expect((await statesOf(documentId))[0].review_state).toBe("submitted");
    expect(await notificationsOf(creator)).not.toContainEqual(
      expect.objectContaining({ kind: "review_changes_requested" }),
    );

    const note = "Cite the 2023 survey for the second claim, and shorten the introduction.";
    ok(await decide(api, documentId, "changes_requested", note));
    expect(await notificationsOf(creator)).toContainEqual(
      expect.objectContaining({ kind: "review_changes_requested", message: note, article: documentId, locale: "en" }),
    );
    const asked = await mail().waitFor(creator.email, { subject: /^An editor asked for changes to “/ });
    expect(asked.subject).toBe(`An editor asked for changes to “${title}”`);
    expect(asked.text).toContain(`The editor's note: ${note}`);
    expect(asked.text).toMatch(/\/en\/studio/);
    const inStudio = (await studio.read(creator.jwt, documentId)).body.data;
    expect(inStudio).toMatchObject({ reviewState: "changes_requested", reviewNote: note });

    // Saving the same decision again (the editor fixes a typo in the note) tells nobody twice.
    ok(await decide(api, documentId, "changes_requested", `${note} Thanks!`));
    expect((await notificationsOf(creator)).filter((n) => n.kind === "review_changes_requested")).toHaveLength(1);
    // The creator opened the draft before that save: theirs is refused until they reload it.
    const stale = await studio.save(creator.jwt, documentId, edited(inStudio, { title: "From before the note" }));
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("stale_version");
    const reloaded = (await studio.read(creator.jwt, documentId)).body.data;
    expect(reloaded.reviewNote).toBe(`${note} Thanks!`);

    // The creator fixes a paragraph, keeping its citation, and submits again: the note is answered.
    const fixed = await studio.save(
      creator.jwt,
      documentId,
      edited(reloaded, {
        body: "## Why sources matter\n\nThe 2023 survey agrees that every claim cites what was read [1].\n",
      }),
    );
    ok(fixed);
    const resubmitted = await studio.submit(creator.jwt, documentId);
    ok(resubmitted);
    expect(resubmitted.body.data).toMatchObject({ reviewState: "submitted", reviewNote: "" });
    expect(Date.parse(resubmitted.body.data.submittedAt)).toBeGreaterThan(Date.parse(inStudio.submittedAt));

    // The editor publishes (the admin's Publish saves the form first, then publishes).
    const published = await api.admin("POST", `${ARTICLES}/${documentId}/actions/publish?locale=en`, {
      reviewState: "submitted",
    });
    ok(published);
    const rows = await statesOf(documentId);
    expect(rows.map((r) => [r.published, r.review_state])).toEqual([
      [false, "published"],
      [true, "published"],
    ]);
    // Publishing clears nothing else: the submission time stays on both versions.
    expect(rows[1].submitted_at).toEqual(rows[0].submitted_at);
    expect(rows[0].submitted_at).not.toBeNull();
    expect(await notificationsOf(creator)).toContainEqual(
      expect.objectContaining({ kind: "review_published", message: title, article: documentId }),
    );
    const live = await mail().waitFor(creator.email, { subject: /is published/ });
    expect(live.subject).toBe(`“${title}” is published`);
    const after = (await studio.read(creator.jwt, documentId)).body.data;
    expect(after.reviewState).toBe("published");
    expect(Date.parse(after.publishedAt)).not.toBeNaN();
    const publicRead = await api.call("GET", `/api/articles/${documentId}?locale=en`);
    ok(publicRead);
    expect(publicRead.body.data.body).toContain("The 2023 survey agrees");
  });

  it("declines with a note: the creator is told in their language and can no longer edit or submit", async () => {
    const creator = await creatorIn("zh-CN");
    const documentId = await submitted(creator, { locale: "zh-CN", title: "关于引用的草稿" });
    const refused = await decide(api, documentId, "declined", "", "zh-CN");
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      "To decline, write a note the creator can act on: they read it in their studio.",
    );
    const long = await decide(api, documentId, "declined", "x".repeat(2001), "zh-CN");
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/at most 2,000 characters/);

    const note = "这个话题已经有一篇相近的文章了。";
    ok(await decide(api, documentId, "declined", note, "zh-CN"));
    expect(await notificationsOf(creator)).toContainEqual(
      expect.objectContaining({ kind: "review_declined", message: note, locale: "zh-CN" }),
    );
    const told = await mail().waitFor(creator.email, { subject: /未采用/ });
    expect(told.subject).toBe("编辑未采用《关于引用的草稿》");
    expect(told.text).toContain(`编辑的意见：${note}`);

    const read = (await studio.read(creator.jwt, documentId, "zh-CN")).body.data;
    expect(read).toMatchObject({ reviewState: "declined", reviewNote: note });
    const save = await studio.save(creator.jwt, documentId, edited(read, { title: "再试一次" }), "zh-CN");
    expect(save.status).toBe(409);
    expect(save.body.error).toMatchObject({ code: "not_editable", message: expect.stringMatching(/declined/) });
    const again = await studio.submit(creator.jwt, documentId, "zh-CN");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("not_submittable");
  });

  it("puts a decision in the daily digest of a creator who asked for one, with the article's title and the note", async () => {
    const creator = await creatorIn("en");
    ok(
      await api.call("PUT", "/api/accounts/me/mail-preferences", {
        token: creator.jwt,
        body: { data: { reviews: "daily" } },
      }),
    );
    const documentId = await submitted(creator);
    const title = (await studio.read(creator.jwt, documentId)).body.data.title as string;
    ok(await decide(api, documentId, "changes_requested", "Name the survey you quote."));
    await mail().none(creator.email, { subject: /asked for changes/ });
    await db.query("UPDATE mail_settings SET digest_through = now() - interval '25 hours' WHERE user_id = $1", [
      creator.user.documentId,
    ]);
    const digest = await mail().waitFor(creator.email, { subject: /new notification/ });
    expect(digest.text).toContain(`An editor asked for changes to “${title}”: Name the survey you quote.`);
  });

  it("lets the creator withdraw a submission and edit again before an editor answers", async () => {
    const creator = await creatorIn("en");
    const documentId = await submitted(creator);
    const withdrawn = await studio.withdraw(creator.jwt, documentId);
    ok(withdrawn);
    expect(withdrawn.body.data).toMatchObject({ reviewState: "draft", submittedAt: null });
    ok(await studio.save(creator.jwt, documentId, edited(withdrawn.body.data, { title: "Better title" })));
    ok(await studio.submit(creator.jwt, documentId));
    expect((await statesOf(documentId))[0].review_state).toBe("submitted");
  });

  it("takes 'published' from publishing only, and keeps a published article's state until it is unpublished", async () => {
    const creator = await creatorIn("en");
    const documentId = await submitted(creator);
    const early = await decide(api, documentId, "published");
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/Publish the article/);

    // Changes requested, then published as it is: the note stays (publishing clears nothing else).
    ok(await decide(api, documentId, "changes_requested", "One more source, please."));
    ok(await api.publish(documentId, "en"));
    expect((await statesOf(documentId)).map((r) => [r.review_state, r.review_note])).toEqual([
      ["published", "One more source, please."],
      ["published", "One more source, please."],
    ]);
    const change = await decide(api, documentId, "changes_requested", "Actually, more work.");
    expect(change.status).toBe(400);
    expect(change.body.error.message).toMatch(/unpublish it first/);
    // An edit that keeps the state is an edit like any other.
    ok(await api.admin("PUT", `${ARTICLES}/${documentId}?locale=en`, { reviewState: "published", title: "Retitled" }));

    ok(await api.unpublish(documentId, "en"));
    expect((await statesOf(documentId)).map((r) => r.review_state)).toEqual(["draft"]);
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    expect(read).toMatchObject({ reviewState: "draft", publishedAt: null });
    ok(await studio.save(creator.jwt, documentId, edited(read, { title: "Reworked after unpublishing" })));
  });
});

describe("the editors' tools in the admin", () => {
  it("opens a signed, expiring preview link of the draft from the Preview button, and the public page of the published version", async () => {
    const creator = await creatorIn("en");
    const documentId = await submitted(creator);
    const url = (query: string) =>
      api.admin("GET", `/content-manager/preview/url/api::article.article?documentId=${documentId}&${query}`);
    const draft = await url("locale=en&status=draft");
    ok(draft);
    const link = new URL(draft.body.data.url);
    expect(link.origin).toBe(new URL(String(env.COMMUNITY_URL)).origin);
    expect(link.pathname).toBe(`/en/preview/${documentId}`);
    const target = { documentId, locale: "en" };
    const secret = String(env.COMMUNITY_WEBHOOK_SECRET);
    const [expires, signature] = [link.searchParams.get("expires"), link.searchParams.get("signature")];
    expect(checkPreview(secret, target, expires, signature)).toBe("valid");
    expect(checkPreview(secret, target, expires, signature, Date.now() + 31 * 60 * 1000)).toBe("expired");
    expect(checkPreview(secret, { documentId, locale: "zh-CN" }, expires, signature)).toBe("invalid");

    const zh = await url("locale=zh-CN&status=draft");
    expect(new URL(zh.body.data.url).pathname).toBe(`/zh-CN/preview/${documentId}`);
    const published = await url("locale=en&status=published");
    expect(published.body.data.url).toBe(`${env.COMMUNITY_URL}/en/d/${documentId}`);
    // Nothing else has a page on the community, and only editors ask.
    const tag = await api.admin(
      "GET",
      "/content-manager/preview/url/api::tag.tag?documentId=abcdefghij0123456789abcd&locale=en",
    );
    expect(tag.status).toBe(204);
    const member = await api.call(
      "GET",
      `/content-manager/preview/url/api::article.article?documentId=${documentId}&locale=en`,
      { token: creator.jwt },
    );
    expect(member.status).toBe(401);
  });

  it("lets the admin frame the community's pages, and no other site's", async () => {
    const response = await fetch(`${env.CMS_URL}/admin`);
    await response.arrayBuffer();
    const policy = response.headers.get("content-security-policy") ?? "";
    const frames = /(?:^|;)\s*frame-src ([^;]*)/.exec(policy)?.[1]?.split(/\s+/) ?? [];
    expect(frames).toContain(new URL(String(env.COMMUNITY_URL)).origin);
    expect(frames).not.toContain("*");
    expect(frames).not.toContain("https:");
  });

  it("lists articles by newest submission with state and creator, and comments by reports with their text", async () => {
    const config = async (uid: string) => {
      const reply = await api.admin("GET", `/content-manager/content-types/${uid}/configuration`);
      ok(reply);
      return reply.body.data.contentType;
    };
    const articles = await config("api::article.article");
    expect(articles.layouts.list).toEqual(["title", "reviewState", "author", "submittedAt", "updatedAt"]);
    expect(articles.settings).toMatchObject({ defaultSortBy: "submittedAt", defaultSortOrder: "DESC" });
    expect(articles.metadatas.author.list).toMatchObject({ label: "Creator", mainField: "displayName" });
    expect(articles.metadatas.submittedAt.edit.editable).toBe(false);
    expect(articles.layouts.edit.slice(0, 2)).toEqual([
      [
        { name: "reviewState", size: 6 },
        { name: "submittedAt", size: 6 },
      ],
      [{ name: "reviewNote", size: 12 }],
    ]);
    expect(articles.layouts.edit.flat().filter((f: { name: string }) => f.name === "reviewNote")).toHaveLength(1);
    const comments = await config("api::comment.comment");
    expect(comments.layouts.list).toEqual(["body", "author", "articleDocumentId", "reportsCount", "createdAt"]);
    expect(comments.settings).toMatchObject({
      defaultSortBy: "reportsCount",
      defaultSortOrder: "DESC",
      mainField: "body",
    });

    // The review queue and the reported comments, as the README's admin links filter them.
    const creator = await creatorIn("en");
    const waiting = await submitted(creator);
    const queue = await api.admin(
      "GET",
      `${ARTICLES}?page=1&pageSize=50&sort=submittedAt:DESC&filters[$and][0][reviewState][$eq]=submitted&locale=en`,
    );
    ok(queue);
    expect(queue.body.results.map((a: { documentId: string }) => a.documentId)).toContain(waiting);
    for (const a of queue.body.results) expect(a.reviewState).toBe("submitted");

    ok(await api.publish(waiting, "en"));
    const reader = await api.signUp(unique("reader"));
    const commented = await api.call("POST", "/api/comments", {
      token: reader.jwt,
      body: { data: { article: waiting, locale: "en", body: "A comment worth reporting." } },
    });
    ok(commented, 201);
    ok(await api.call("POST", `/api/comments/${commented.body.data.id}/report`, { token: creator.jwt }));
    const reported = await api.admin(
      "GET",
      `${COMMENTS}?page=1&pageSize=50&sort=reportsCount:DESC&filters[$and][0][reportsCount][$gt]=0`,
    );
    ok(reported);
    expect(reported.body.results).toContainEqual(
      expect.objectContaining({ body: "A comment worth reporting.", reportsCount: 1 }),
    );
  });
});

describe("upgrading", () => {
  it("migrates older rows (published documents' rows published, the rest draft) and keeps an editor's own list view", async () => {
    const creator = await creatorIn("en");
    const { documentId: published } = await generatedDraft(api, creator.user.documentId);
    ok(await api.publish(published, "en"));
    const { documentId: draftOnly } = await generatedDraft(api, creator.user.documentId);

    // An editor configures the article list their own way.
    const current = (await api.admin("GET", "/content-manager/content-types/api::article.article/configuration")).body
      .data.contentType;
    const mine = ["title", "reviewState", "updatedAt"];
    // As the admin sends it back: a relation's main field is shown in the answer, not taken in the request.
    const metadatas = Object.fromEntries(
      Object.entries(current.metadatas as Record<string, { edit: object; list: { mainField?: unknown } }>).map(
        ([
          name,
          {
            edit,
            list: { mainField: _shown, ...list },
          },
        ]) => [name, { edit, list }],
      ),
    );
    ok(
      await api.admin("PUT", "/content-manager/content-types/api::article.article/configuration", {
        settings: current.settings,
        metadatas,
        layouts: { ...current.layouts, list: mine },
      }),
    );

    // The database as it was before the studio: no review columns, no notification counts.
    await stack.stop();
    await db.query("ALTER TABLE articles DROP COLUMN review_state, DROP COLUMN review_note, DROP COLUMN submitted_at");
    await db.query("ALTER TABLE notifications DROP COLUMN count");
    await db.query("DELETE FROM strapi_migrations WHERE name LIKE $1", [`${MIGRATION}%`]);
    stack = await startTestApps(["cms"], env);

    expect((await statesOf(published)).map((r) => r.review_state)).toEqual(["published", "published"]);
    expect((await statesOf(draftOnly)).map((r) => r.review_state)).toEqual(["draft"]);
    const nulls = await db.query(
      "SELECT (SELECT count(*)::int FROM articles WHERE review_state IS NULL) AS states, (SELECT count(*)::int FROM notifications WHERE count IS NULL) AS counts",
    );
    expect(nulls.rows[0]).toEqual({ states: 0, counts: 0 });
    expect((await notificationsOf(creator)).every((n) => n.count === 1)).toBe(true);
    const migrated = await db.query("SELECT count(*)::int AS n FROM strapi_migrations WHERE name LIKE $1", [
      `${MIGRATION}%`,
    ]);
    expect(migrated.rows[0].n).toBe(1);

    const after = (await api.admin("GET", "/content-manager/content-types/api::article.article/configuration")).body
      .data.contentType;
    expect(after.layouts.list).toEqual(mine);
    // The migrated draft is the creator's to submit.
    ok(await studio.submit(creator.jwt, draftOnly));
  });
});
