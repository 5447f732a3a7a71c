// Accounts by mail, against the real CMS, PostgreSQL and mail catcher: confirmation, password reset and change,
// e-mail change, notification mail (at once, digest, unsubscribe), export and deletion, and each link refused
// when it is wrong, expired, used or altered.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { linkIn, type Mail, mailbox } from "../../scripts/test/mailbox.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, draft, PASSWORD } from "./cms-api.ts";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
const mail = () => mailbox();

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"], { MEMBER_EMAIL_VERIFICATION: "required", MAIL_DIGEST_CHECK_SECONDS: "2" }));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
});

const unique = (name: string) => `${name}-${randomBytes(3).toString("hex")}`;
const addressOf = (username: string) => `${username}@example.test`;
/** Signs up through the community's door with the page's locale; returns the member and their confirmation mail. */
async function signUp(name: string, locale = "en") {
  const username = unique(name);
  const reply = await api.call("POST", "/api/auth/local/register", {
    community: true,
    body: { username, email: addressOf(username), password: PASSWORD, locale },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  const confirmation = await mail().waitFor(addressOf(username), { subject: /confirm|确认/i });
  return {
    username,
    email: addressOf(username),
    jwt: reply.body.jwt as string,
    userId: reply.body.user.documentId as string,
    confirmation,
  };
}
const tokenOf = (message: Mail, page: RegExp) => linkIn(message, page).searchParams.get("token") ?? "";
const link = (path: string, data: Record<string, unknown>) =>
  api.call("POST", `/api/accounts/${path}`, { community: true, body: { data } });
const asMember = (jwt: string, method: string, path: string, data?: Record<string, unknown>) =>
  api.call(method, `/api/accounts/me/${path}`, { token: jwt, ...(data ? { body: { data } } : {}) });
async function confirmed(name: string) {
  const member = await signUp(name);
  const done = await link("verification/confirm", { token: tokenOf(member.confirmation, /\/en\/verify-email$/) });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return member;
}
/** A published article by `creatorId`; returns its document id. */
async function publishedArticle(creatorId: string) {
  const runId = `run-${randomBytes(4).toString("hex")}`;
  const saved = await api.saveDraft(runId, draft(creatorId, runId));
  expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
  const documentId = saved.body.data.documentId as string;
  expect((await api.publish(documentId, "en")).status).toBe(200);
  return documentId;
}
const comment = (jwt: string, article: string, body = "A thoughtful comment.") =>
  api.call("POST", "/api/comments", { token: jwt, body: { data: { article, locale: "en", body } } });
const sessionCount = async (userId: string) =>
  (await db.query("SELECT count(*)::int AS n FROM member_sessions WHERE user_id = $1", [userId])).rows[0].n as number;
async function startSession(userId: string): Promise<string> {
  const hash = randomBytes(32).toString("hex");
  const reply = await api.call("POST", "/api/member-sessions", {
    community: true,
    body: {
      data: { tokenHash: hash, userId, sealedJwt: "sealed", expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    },
  });
  expect(reply.status).toBe(201);
  return hash;
}
const ageLinks = (userId: string, purpose: string) =>
  db.query("UPDATE account_links SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND purpose = $2", [
    userId,
    purpose,
  ]);

describe("confirming an address", () => {
  it("mails the link in the member's language; comments and questions wait for it; the link works once", async () => {
    const author = await confirmed("acc-author");
    const article = await publishedArticle(author.userId);
    const ada = await signUp("acc-ada");
    expect(ada.confirmation.subject).toBe("Confirm your e-mail address");
    const state = await api.call("GET", "/api/members/me/state", { token: ada.jwt });
    expect(state.body.data).toMatchObject({
      emailVerified: false,
      verificationRequired: true,
      email: "a***@example.test",
    });

    const refused = await comment(ada.jwt, article);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("email_unverified");
    const asked = await api.call("POST", "/api/conversations", {
      token: ada.jwt,
      body: { data: { question: "What is a citation?", locale: "en" } },
    });
    expect(asked.status).toBe(403);
    expect(asked.body.error.code).toBe("email_unverified");

    const token = tokenOf(ada.confirmation, /\/en\/verify-email$/);
    const checked = await link("links/check", { token, purpose: "verify-email" });
    expect(checked.body.data).toEqual({ status: "valid", purpose: "verify-email", email: `a***@example.test` });
    expect((await link("verification/confirm", { token })).status).toBe(200);
    const reused = await link("verification/confirm", { token });
    expect(reused.status).toBe(400);
    expect(reused.body.error.details.code).toBe("link_used");
    expect((await api.call("GET", "/api/members/me/state", { token: ada.jwt })).body.data.emailVerified).toBe(true);
    expect((await comment(ada.jwt, article)).status).toBe(201);
  });

  it("writes to a zh-CN member in Chinese, and a new link retires the old one; the fourth in an hour waits", async () => {
    const bo = await signUp("acc-bo", "zh-CN");
    expect(bo.confirmation.subject).toBe("请确认你的邮箱地址");
    expect(linkIn(bo.confirmation, /\/zh-CN\/verify-email$/).origin).toBe(String(env.COMMUNITY_URL));
    const again = await asMember(bo.jwt, "POST", "verification", { locale: "zh-CN" });
    expect(again.status).toBe(202);
    const second = await mail().waitFor(bo.email, { subject: /确认/, except: [bo.confirmation.id] });
    const old = await link("verification/confirm", { token: tokenOf(bo.confirmation, /verify-email$/) });
    expect(old.body.error.details.code).toBe("link_expired");
    expect((await asMember(bo.jwt, "POST", "verification", { locale: "zh-CN" })).status).toBe(202);
    const limited = await asMember(bo.jwt, "POST", "verification", { locale: "zh-CN" });
    expect(limited.status).toBe(429);
    expect(limited.body.error.details.code).toBe("too_many");
    expect((await link("verification/confirm", { token: tokenOf(second, /verify-email$/) })).status).toBe(400);
  });
});

describe("a forgotten password", () => {
  it("answers the same for a known and an unknown address, and mails only the known one", async () => {
    const cy = await confirmed("acc-cy");
    const known = await link("password-reset", { email: cy.email.toUpperCase(), locale: "en" });
    const unknown = await link("password-reset", { email: "nobody-here@example.test", locale: "en" });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    await mail().waitFor(cy.email, { subject: /Reset your Inkstone password/ });
    await mail().none("nobody-here@example.test");
    expect((await link("password-reset", { email: "not an address", locale: "en" })).status).toBe(400);
  });

  it("sets the new password once, ends every session, and refuses expired, used and altered links", async () => {
    const di = await confirmed("acc-di");
    await startSession(di.userId);
    await startSession(di.userId);
    await link("password-reset", { email: di.email, locale: "en" });
    const first = await mail().waitFor(di.email, { subject: /Reset/ });
    const firstToken = tokenOf(first, /\/en\/reset-password$/);
    await ageLinks(di.userId, "password-reset");
    const expired = await link("password-reset/confirm", { token: firstToken, password: "New-passw0rd-1" });
    expect(expired.body.error.details.code).toBe("link_expired");

    await link("password-reset", { email: di.email, locale: "en" });
    const second = await mail().waitFor(di.email, { subject: /Reset/, except: [first.id] });
    const token = tokenOf(second, /reset-password$/);
    const altered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    expect(
      (await link("password-reset/confirm", { token: altered, password: "New-passw0rd-1" })).body.error.details.code,
    ).toBe("link_invalid");
    expect((await link("password-reset/confirm", { token, password: "short" })).status).toBe(400);
    const done = await link("password-reset/confirm", { token, password: "New-passw0rd-1" });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await sessionCount(di.userId)).toBe(0);
    const reused = await link("password-reset/confirm", { token, password: "New-passw0rd-2" });
    expect(reused.body.error.details.code).toBe("link_used");
    expect((await api.signIn(di.username)).status).toBe(400);
    expect((await api.signIn(di.username, "New-passw0rd-1")).status).toBe(200);
    await mail().waitFor(di.email, { subject: /password was changed/ });
  });
});

describe("changing a password or an address", () => {
  it("checks the current password and ends the member's other sessions", async () => {
    const ed = await confirmed("acc-ed");
    const here = await startSession(ed.userId);
    await startSession(ed.userId);
    const wrong = await asMember(ed.jwt, "POST", "password", {
      currentPassword: "not-it-at-all",
      password: "Another-passw0rd",
      keepSession: here,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.code).toBe("wrong_password");
    const done = await asMember(ed.jwt, "POST", "password", {
      currentPassword: PASSWORD,
      password: "Another-passw0rd",
      keepSession: here,
    });
    expect(done.body.data).toEqual({ ended: 1 });
    expect(await sessionCount(ed.userId)).toBe(1);
    expect((await api.signIn(ed.username, "Another-passw0rd")).status).toBe(200);
  });

  it("moves to a new address only once it is confirmed, telling the old one", async () => {
    const fi = await confirmed("acc-fi");
    const taken = await confirmed("acc-taken");
    const ask = (email: string, currentPassword = PASSWORD) =>
      asMember(fi.jwt, "POST", "email", { email, currentPassword, locale: "en" });
    expect((await ask(taken.email)).body.error.details.code).toBe("email_taken");
    expect((await ask(fi.email)).body.error.details.code).toBe("same_email");
    expect((await ask("fi-new@example.test", "wrong-password")).body.error.details.code).toBe("wrong_password");
    const newAddress = `${unique("fi-new")}@example.test`;
    expect((await ask(newAddress)).status).toBe(202);
    await mail().waitFor(fi.email, { subject: /change of your Inkstone e-mail address was asked for/ });
    const confirmation = await mail().waitFor(newAddress, { subject: /Confirm your new e-mail address/ });
    expect((await api.signIn(newAddress)).status).toBe(400);
    const done = await link("email-change/confirm", { token: tokenOf(confirmation, /\/en\/confirm-email$/) });
    expect(done.body.data.email).toBe(newAddress);
    await mail().waitFor(fi.email, { subject: /address was changed/ });
    expect((await api.signIn(newAddress)).status).toBe(200);
  });
});

describe("notification mail", () => {
  it("mails a comment at once with a one-click unsubscribe, sends follows in a daily digest, and stops when asked", async () => {
    const gi = await confirmed("acc-gi");
    const reader = await confirmed("acc-reader");
    const article = await publishedArticle(gi.userId);
    const prefs = await asMember(gi.jwt, "GET", "mail-preferences");
    expect(prefs.body.data).toEqual({
      replies: "immediate",
      follows: "daily",
      reviews: "immediate",
      runs: "immediate",
      locale: "en",
    });
    expect((await asMember(gi.jwt, "PUT", "mail-preferences", { replies: "sometimes" })).status).toBe(400);

    expect((await comment(reader.jwt, article, "Loved the part on sources.")).status).toBe(201);
    const notice = await mail().waitFor(gi.email, { subject: /^New comment on “Writing with sources/ });
    expect(notice.text).toContain("/en/notifications");
    expect(notice.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const oneClick = /<([^>]+)>/.exec(notice.headers["list-unsubscribe"] ?? "")?.[1] ?? "";
    const token = new URL(oneClick).searchParams.get("token") ?? "";
    const altered = await link("unsubscribe", { token: `${token.slice(0, -1)}x` });
    expect(altered.body.error.details.code).toBe("link_invalid");
    expect((await link("unsubscribe", { token })).body.data.category).toBe("replies");
    expect((await asMember(gi.jwt, "GET", "mail-preferences")).body.data.replies).toBe("never");
    expect((await comment(reader.jwt, article, "And one more thing.")).status).toBe(201);

    const follow = await api.call("PUT", "/api/follows", {
      token: reader.jwt,
      body: { data: { targetType: "author", target: await profileHandle(gi.jwt), active: true } },
    });
    expect(follow.status, JSON.stringify(follow.body)).toBeLessThan(300);
    // Unsubscribed from replies and following by digest: neither the second comment nor the follow mails at once.
    await mail().none(gi.email, { subject: /following/ });
    expect((await mail().all(gi.email)).filter((m) => m.subject.startsWith("New comment"))).toHaveLength(1);
    await db.query("UPDATE mail_settings SET digest_through = now() - interval '25 hours' WHERE user_id = $1", [
      gi.userId,
    ]);
    const digest = await mail().waitFor(gi.email, { subject: /new notification/ });
    expect(digest.text).toMatch(/acc-reader-\w+ started following you/);
    expect(digest.headers["list-unsubscribe"]).toMatch(/api\/mail\/unsubscribe\?token=/);
  });
});

const profileHandle = async (jwt: string) =>
  (await api.call("GET", "/api/profiles/me", { token: jwt })).body.data.handle as string;

describe("leaving", () => {
  it("exports everything the member made as one archive", async () => {
    const hu = await confirmed("acc-hu");
    const article = await publishedArticle(hu.userId);
    expect((await comment(hu.jwt, article, "My own note.")).status).toBe(201);
    const reply = await fetch(`${env.CMS_URL}/api/accounts/me/export`, {
      headers: { authorization: `Bearer ${hu.jwt}` },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/zip");
    expect(reply.headers.get("content-disposition")).toMatch(/^attachment; filename="inkstone-acc-hu-[\w-]+\.zip"$/);
    const dir = mkdtempSync(join(tmpdir(), "export-"));
    const file = join(dir, "export.zip");
    writeFileSync(file, Buffer.from(await reply.arrayBuffer()));
    const listing = execFileSync("unzip", ["-l", file], { encoding: "utf8" });
    for (const name of [
      "README.txt",
      "account.json",
      "comments.json",
      "reactions.json",
      "follows.json",
      "mail-settings.json",
    ])
      expect(listing).toContain(name);
    expect(listing).toMatch(/articles\/en\/[\w-]+\.md/);
    const account = JSON.parse(execFileSync("unzip", ["-p", file, "account.json"], { encoding: "utf8" }));
    expect(account).toMatchObject({ username: hu.username, email: hu.email, emailConfirmed: true });
    expect(execFileSync("unzip", ["-p", file, "comments.json"], { encoding: "utf8" })).toContain("My own note.");
    expect(execFileSync("unzip", ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);
  });

  it("deletes the account: sessions and personal data go, comments stay as a deleted member's, articles stay", async () => {
    const jo = await confirmed("acc-jo");
    const article = await publishedArticle(jo.userId);
    const other = await confirmed("acc-jo-reader");
    const otherArticle = await publishedArticle(other.userId);
    const kept = await comment(jo.jwt, otherArticle, "This comment stays.");
    expect(kept.status).toBe(201);
    await startSession(jo.userId);
    expect((await asMember(jo.jwt, "POST", "delete", { password: "nope-nope", comments: "keep" })).status).toBe(400);
    expect((await asMember(jo.jwt, "POST", "delete", { password: PASSWORD, comments: "maybe" })).status).toBe(400);
    const done = await asMember(jo.jwt, "POST", "delete", { password: PASSWORD, comments: "keep" });
    expect(done.body.data).toEqual({ userId: jo.userId, deleted: true });
    await mail().waitFor(jo.email, { subject: /account was deleted/ });
    expect(await sessionCount(jo.userId)).toBe(0);
    expect((await db.query("SELECT count(*)::int AS n FROM up_users WHERE email = $1", [jo.email])).rows[0].n).toBe(0);
    expect(
      (await db.query("SELECT count(*)::int AS n FROM mail_settings WHERE user_id = $1", [jo.userId])).rows[0].n,
    ).toBe(0);
    expect((await api.signIn(jo.username)).status).toBe(400);
    const thread = await api.call("GET", `/api/comments?article=${otherArticle}&locale=en`);
    const mine = (thread.body.data as { body: string; author: unknown }[]).find(
      (c) => c.body === "This comment stays.",
    );
    // Kept, and shown as nobody's: the community names a deleted member in the page's language.
    expect(mine).toBeDefined();
    expect(mine?.author).toBeNull();
    const still = await api.call("GET", `/api/articles/${article}?locale=en&populate=author`);
    expect(still.status).toBe(200);
    expect(still.body.data.author.displayName).toBe("Deleted member");
  });

  it("removes the comments too when the member chooses so", async () => {
    const ko = await confirmed("acc-ko");
    const other = await confirmed("acc-ko-reader");
    const article = await publishedArticle(other.userId);
    expect((await comment(ko.jwt, article, "This comment goes.")).status).toBe(201);
    expect((await asMember(ko.jwt, "POST", "delete", { password: PASSWORD, comments: "remove" })).status).toBe(200);
    const thread = await api.call("GET", `/api/comments?article=${article}&locale=en`);
    expect(JSON.stringify(thread.body)).not.toContain("This comment goes.");
  });
});

describe("who may use the account routes", () => {
  it("closes the link routes to anyone but the community, and the member routes to anyone but a member", async () => {
    const body = { data: { email: "x@example.test", locale: "en" } };
    expect((await api.call("POST", "/api/accounts/password-reset", { body })).status).toBe(403);
    expect(
      (await api.call("POST", "/api/accounts/password-reset", { body, token: String(env.CMS_WORKER_TOKEN) })).status,
    ).toBe(403);
    expect((await api.call("GET", "/api/accounts/me/export")).status).toBe(403);
    expect((await api.call("GET", "/api/accounts/me/export", { token: String(env.CMS_COMMUNITY_TOKEN) })).status).toBe(
      403,
    );
    for (const path of ["/api/auth/forgot-password", "/api/auth/reset-password", "/api/auth/send-email-confirmation"])
      expect((await api.call("POST", path, { community: true, body: { email: "x@example.test" } })).status).toBe(403);
  });
});

describe("bad input on the account routes", () => {
  it("answers null bytes, wrong types and huge bodies with a 4xx and a message, never a 5xx, writing nothing", async () => {
    const member = await confirmed("acc-bad");
    const count = async () =>
      (await db.query("SELECT (SELECT count(*) FROM account_links) + (SELECT count(*) FROM mail_outbox) AS n")).rows[0]
        .n as string;
    const before = await count();
    const huge = "x".repeat(2_000_000);
    const cases: [string, () => Promise<{ status: number; body: any }>][] = [
      [
        "reset: a null byte in the address",
        () => link("password-reset", { email: "a\u0000@example.test", locale: "en" }),
      ],
      ["reset: an address that is a number", () => link("password-reset", { email: 42, locale: "en" })],
      ["reset: an unknown locale", () => link("password-reset", { email: "a@example.test", locale: "fr" })],
      ["reset: a huge address", () => link("password-reset", { email: `${huge}@example.test`, locale: "en" })],
      ["confirm: a null byte in the token", () => link("verification/confirm", { token: `${"a".repeat(42)}\u0000` })],
      ["confirm: a token that is an object", () => link("verification/confirm", { token: { $ne: "" } })],
      [
        "complete reset: a huge password",
        () => link("password-reset/confirm", { token: "a".repeat(43), password: huge }),
      ],
      ["check: an unknown purpose", () => link("links/check", { token: "a".repeat(43), purpose: "anything" })],
      ["unsubscribe: an empty token", () => link("unsubscribe", { token: "" })],
      ["unsubscribe: an extra field", () => link("unsubscribe", { token: "a", extra: true })],
      [
        "email: a null byte",
        () =>
          asMember(member.jwt, "POST", "email", {
            email: "n\u0000@example.test",
            currentPassword: PASSWORD,
            locale: "en",
          }),
      ],
      [
        "password: wrong types",
        () => asMember(member.jwt, "POST", "password", { currentPassword: 1, password: [], keepSession: null }),
      ],
      ["preferences: a null byte", () => asMember(member.jwt, "PUT", "mail-preferences", { replies: "never\u0000" })],
      ["delete: no body", () => asMember(member.jwt, "POST", "delete")],
    ];
    for (const [name, send] of cases) {
      const reply = await send();
      expect(reply.status, `${name}: ${JSON.stringify(reply.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(reply.status, name).toBeLessThan(500);
      expect(reply.body?.error?.message, name).toEqual(expect.any(String));
    }
    expect(await count()).toBe(before);
    expect((await api.signIn(member.username)).status).toBe(200);
  });
});
