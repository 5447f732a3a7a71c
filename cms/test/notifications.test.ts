// Notifications against the real CMS and PostgreSQL: a reply tells the comment's author (and the article's author
// once), likes are grouped while unread (concurrent likes all counted), and a comment that is gone — deleted by its
// author, by an editor in the admin, or with its author's account — takes its notifications along.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { mailbox } from "../../scripts/test/mailbox.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, PASSWORD } from "./cms-api.ts";
import { generatedDraft, ok, unique } from "./studio-support.ts";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
type Member = Awaited<ReturnType<CmsApi["signUp"]>>;

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
});

const member = (name: string) => api.signUp(unique(name));
/** A published article by `author`; returns its document id and title. */
async function articleBy(author: Member) {
  const { documentId } = await generatedDraft(api, author.user.documentId);
  ok(await api.publish(documentId, "en"));
  const title = (await api.call("GET", `/api/articles/${documentId}?locale=en`)).body.data.title as string;
  return { documentId, title };
}
async function comment(by: Member, article: string, parent?: string) {
  const reply = await api.call("POST", "/api/comments", {
    token: by.jwt,
    body: { data: { article, locale: "en", body: `Said by ${by.user.username}`, ...(parent ? { parent } : {}) } },
  });
  ok(reply, 201);
  return reply.body.data.id as string;
}
type Notice = {
  id: string;
  kind: string;
  read: boolean;
  message: string;
  article: string;
  count: number;
  actor: { handle: string } | null;
};
const noticesOf = async (who: Member) => {
  const reply = await api.call("GET", "/api/notifications/mine?pageSize=100", { token: who.jwt });
  ok(reply);
  return reply.body.data as Notice[];
};
/** The kinds `who` was told about on `article`, with who did it. */
const toldAbout = async (who: Member, article: string) =>
  (await noticesOf(who))
    .filter((n) => n.article === article && n.kind !== "generation_finished" && n.kind !== "review_published")
    .map((n) => `${n.kind}:${n.actor?.handle}`)
    .sort();
const like = (who: Member, article: string, active = true) =>
  api.call("PUT", "/api/reactions", { token: who.jwt, body: { data: { article, kind: "like", active } } });
const handleOf = (who: Member) => who.user.username.toLowerCase();

describe("replies", () => {
  it("tells the comment's author of a reply, and the article's author of a comment once, never anyone of their own", async () => {
    const [author, bo, cy] = [await member("author"), await member("bo"), await member("cy")];
    const { documentId } = await articleBy(author);

    const boSays = await comment(bo, documentId);
    expect(await toldAbout(author, documentId)).toEqual([`comment_on_article:${handleOf(bo)}`]);

    // The author answers Bo: Bo hears of a reply; the author of nothing (it is theirs).
    const authorSays = await comment(author, documentId, boSays);
    expect(await toldAbout(bo, documentId)).toEqual([`reply_to_comment:${handleOf(author)}`]);
    expect(await toldAbout(author, documentId)).toEqual([`comment_on_article:${handleOf(bo)}`]);

    // Cy answers the author's comment: one notice for the author, and it says reply.
    await comment(cy, documentId, authorSays);
    expect(await toldAbout(author, documentId)).toEqual([
      `comment_on_article:${handleOf(bo)}`,
      `reply_to_comment:${handleOf(cy)}`,
    ]);

    // Cy answers Bo: Bo hears of a reply, the author of a comment on their article.
    await comment(cy, documentId, boSays);
    expect(await toldAbout(bo, documentId)).toEqual([
      `reply_to_comment:${handleOf(author)}`,
      `reply_to_comment:${handleOf(cy)}`,
    ]);
    expect(await toldAbout(author, documentId)).toEqual([
      `comment_on_article:${handleOf(bo)}`,
      `comment_on_article:${handleOf(cy)}`,
      `reply_to_comment:${handleOf(cy)}`,
    ]);

    // Bo answers their own comment: nobody hears of a reply to themselves; the author of a comment.
    await comment(bo, documentId, boSays);
    expect(await toldAbout(bo, documentId)).toHaveLength(2);
    expect(
      (await toldAbout(author, documentId)).filter((k) => k === `comment_on_article:${handleOf(bo)}`),
    ).toHaveLength(2);
  });
});

describe("comments that are gone", () => {
  const pointingTo = async (commentDocumentId: string) =>
    (
      await db.query(
        "SELECT count(*)::int AS n FROM notifications n JOIN comments c ON c.id = n.comment_id WHERE c.document_id = $1",
        [commentDocumentId],
      )
    ).rows[0].n as number;

  it("drops the notifications of a comment its author deletes", async () => {
    const [author, bo, cy] = [await member("author"), await member("bo"), await member("cy")];
    const { documentId } = await articleBy(author);
    const boSays = await comment(bo, documentId);
    const cyAnswers = await comment(cy, documentId, boSays);
    expect(await pointingTo(cyAnswers)).toBe(2);
    ok(await api.call("DELETE", `/api/comments/${cyAnswers}`, { token: cy.jwt }));
    expect(await pointingTo(cyAnswers)).toBe(0);
    expect(await toldAbout(bo, documentId)).toEqual([]);
    // Bo's own comment, still there, keeps its notice.
    expect(await toldAbout(author, documentId)).toEqual([`comment_on_article:${handleOf(bo)}`]);
    // No link row is left pointing at a notification that is gone.
    const orphans = await db.query(
      `SELECT (SELECT count(*)::int FROM notifications_recipient_lnk l LEFT JOIN notifications n ON n.id = l.notification_id WHERE n.id IS NULL)
            + (SELECT count(*)::int FROM notifications_actor_lnk l LEFT JOIN notifications n ON n.id = l.notification_id WHERE n.id IS NULL) AS n`,
    );
    expect(orphans.rows[0].n).toBe(0);
  });

  it("drops them when an editor deletes the comment in the admin, or marks it deleted there", async () => {
    const [author, bo] = [await member("author"), await member("bo")];
    const { documentId } = await articleBy(author);
    const first = await comment(bo, documentId);
    const second = await comment(bo, documentId);
    const admin = "/content-manager/collection-types/api::comment.comment";
    ok(await api.admin("DELETE", `${admin}/${first}`));
    expect(await toldAbout(author, documentId)).toEqual([`comment_on_article:${handleOf(bo)}`]);
    ok(await api.admin("PUT", `${admin}/${second}`, { visibility: "deleted" }));
    expect(await pointingTo(second)).toBe(0);
    expect(await toldAbout(author, documentId)).toEqual([]);
  });

  it("drops them when a member deletes their account and their comments with it, and keeps them when the comments stay", async () => {
    const author = await member("author");
    const { documentId } = await articleBy(author);
    const [leaver, stayer] = [await member("leaver"), await member("keeper")];
    const removed = await comment(leaver, documentId);
    const kept = await comment(stayer, documentId);
    for (const [who, comments] of [
      [leaver, "remove"],
      [stayer, "keep"],
    ] as const)
      ok(
        await api.call("POST", "/api/accounts/me/delete", {
          token: who.jwt,
          body: { data: { password: PASSWORD, comments } },
        }),
      );
    expect(await pointingTo(removed)).toBe(0);
    expect(await pointingTo(kept)).toBe(1);
  });
});

describe("likes", () => {
  it("groups likes of one article while unread, names the latest liker, and starts again once read", async () => {
    const author = await member("author");
    const { documentId, title } = await articleBy(author);
    const [bo, cy, di] = [await member("bo"), await member("cy"), await member("di")];
    const liked = async () => (await noticesOf(author)).filter((n) => n.kind === "article_liked");

    ok(await like(bo, documentId));
    expect(await liked()).toEqual([
      expect.objectContaining({
        article: documentId,
        count: 1,
        read: false,
        message: title,
        actor: expect.objectContaining({ handle: handleOf(bo) }),
      }),
    ]);
    // The same like again is no new like; a bookmark is no like; the author's own like tells nobody.
    ok(await like(bo, documentId));
    ok(
      await api.call("PUT", "/api/reactions", {
        token: cy.jwt,
        body: { data: { article: documentId, kind: "bookmark", active: true } },
      }),
    );
    ok(await like(author, documentId));
    expect((await liked()).map((n) => n.count)).toEqual([1]);

    ok(await like(cy, documentId));
    const [grouped] = await liked();
    expect(grouped).toMatchObject({ count: 2, actor: { handle: handleOf(cy) } });
    expect(await liked()).toHaveLength(1);

    ok(
      await api.call("POST", "/api/notifications/read", { token: author.jwt, body: { data: { ids: [grouped?.id] } } }),
    );
    ok(await like(di, documentId));
    const after = await liked();
    expect(after.map((n) => [n.count, n.read, n.actor?.handle])).toEqual([
      [1, false, handleOf(di)],
      [2, true, handleOf(cy)],
    ]);
  });

  it("counts every one of many likes made at once in one notification", async () => {
    const author = await member("author");
    const { documentId } = await articleBy(author);
    const likers = await Promise.all(Array.from({ length: 8 }, (_, i) => member(`fan${i}`)));
    const replies = await Promise.all(likers.map((who) => like(who, documentId)));
    for (const reply of replies) ok(reply);
    const liked = (await noticesOf(author)).filter((n) => n.kind === "article_liked");
    expect(liked).toHaveLength(1);
    expect(liked[0]?.count).toBe(8);
    expect(likers.map(handleOf)).toContain(liked[0]?.actor?.handle);
  });

  it("mails nobody about likes, even a member who wants every notification at once", async () => {
    const author = await member("author");
    await db.query("UPDATE up_users SET confirmed = true WHERE document_id = $1", [author.user.documentId]);
    ok(
      await api.call("PUT", "/api/accounts/me/mail-preferences", {
        token: author.jwt,
        body: { data: { locale: "en" } },
      }),
    );
    const { documentId } = await articleBy(author);
    const address = `${author.user.username}@example.test`;
    ok(await like(await member("fan"), documentId));
    // A comment is mailed at once: once it has arrived, a like's mail would have too.
    await comment(await member("critic"), documentId);
    await mailbox().waitFor(address, { subject: /New comment/ });
    expect((await mailbox().all(address)).map((m) => m.subject)).not.toContainEqual(expect.stringMatching(/liked/));
  });
});
