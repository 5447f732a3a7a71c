// Accounts by mail against the real CMS and community, with every mail read from the run's mail catcher: confirming
// an address, resetting a forgotten password (and links that expired, were used or were altered), changing the
// password and the address, the export, deleting the account, and unsubscribing in one click. Members must confirm
// their address before they act (MEMBER_EMAIL_VERIFICATION=required). Each visitor comes from an address of its own
// (a trusted proxy's X-Forwarded-For), so the per-address limits meet only the test that is about them.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi } from "../../cms/test/cms-api.ts";
import { hasJava, invalidPages } from "../../scripts/quality/vnu.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { linkIn, type Mail, mailbox } from "../../scripts/test/mailbox.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { addressedVisitor, type Reply, type Visitor } from "./support/visitor.ts";

const PASSWORD = "Passw0rd-long";
const NEW_PASSWORD = "An0ther-long-one";
const json = { accept: "application/json" };
/** This file's members: names no other test file's mail can match in the shared catcher. */
const RUN = randomBytes(3).toString("hex");

const SUBJECTS = {
  verify: /Confirm your e-mail address/,
  reset: /Reset your Inkstone password/,
  passwordChanged: /password was changed/,
  emailChange: /Confirm your new e-mail address/,
  emailNotice: /change of your Inkstone e-mail address was asked for/,
  deleted: /account was deleted/,
};

let env: StackEnv;
let base: string;
let api: CmsApi;
let db: pg.Client;
let article: Published;
const mail = () => mailbox();

beforeAll(async () => {
  ({ env } = await startTestApps(["cms", "community"], {
    MEMBER_EMAIL_VERIFICATION: "required",
    TRUSTED_PROXIES: "127.0.0.1,::1",
  }));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  const author = await api.signUp(`acc${RUN}writer`);
  article = await publishArticle(api, author.user.documentId, `accounts-${RUN}`, { title: `Tide tables ${RUN}` });
});
afterAll(async () => {
  await db?.end();
});

const visitor = () => addressedVisitor(base);

type Member = { name: string; email: string; userId: string; handle: string; visitor: Visitor };

/** A new member, signed up through the community's English pages from an address of their own. */
async function join(who: string): Promise<Member> {
  const name = `acc${RUN}${who}`;
  const v = visitor();
  const email = `${name}@example.test`;
  const reply = await v.post("/api/auth/signup", { username: name, email, password: PASSWORD, next: "/en/" }, json);
  expect(reply.status, reply.text).toBe(200);
  const { rows } = await db.query("SELECT document_id FROM up_users WHERE username = $1", [name]);
  return { name, email, userId: rows[0].document_id, handle: JSON.parse(reply.text).data.handle, visitor: v };
}

/** Another session of `member`, from another address. */
async function signIn(identifier: string, password = PASSWORD): Promise<{ reply: Reply; visitor: Visitor }> {
  const v = visitor();
  const reply = await v.post("/api/auth/signin", { identifier, password, next: "/en/" }, json);
  return { reply, visitor: v };
}

/** Whether `v`'s session still stands: Settings answer, instead of sending it to sign in. */
async function signedIn(v: Visitor): Promise<boolean> {
  const page = await v.get("/en/settings");
  return page.status === 200;
}

/** The token of the link to `path` in `message`, and the link's path with its query. */
function tokenIn(message: Mail, path: RegExp): { token: string; href: string } {
  const url = linkIn(message, path);
  return { token: String(url.searchParams.get("token")), href: `${url.pathname}${url.search}` };
}

/** Confirms `member`'s address with the link of their latest verification mail, as they would in their browser. */
async function confirm(member: Member): Promise<void> {
  const sent = await mail().all(member.email);
  const latest = sent.filter((m) => SUBJECTS.verify.test(m.subject)).at(-1) ?? (await mail().waitFor(member.email));
  const { token } = tokenIn(latest, /^\/en\/verify-email$/);
  const confirmed = await member.visitor.post("/api/account/verify-email", { token, next: "/en/verify-email" }, json);
  expect(confirmed.status, confirmed.text).toBe(200);
}

async function comment(v: Visitor, body: string): Promise<Reply> {
  return v.post(
    "/api/comments",
    { article: article.documentId, locale: "en", body, next: `/en/a/${article.slug}` },
    json,
  );
}

/** Asks for a reset link for `email` from a fresh address; returns the mail that came. */
async function resetMail(email: string, seen: string[] = []): Promise<Mail> {
  const asked = await visitor().post("/api/account/forgot-password", { email, next: "/en/forgot-password" });
  expect(asked.status).toBe(303);
  expect(asked.location).toBe("/en/forgot-password?sent=1");
  return mail().waitFor(email, { subject: SUBJECTS.reset, except: seen });
}

/** Account pages as the tests met them, checked for valid HTML at the end. */
const pages = new Map<string, string>();
const keep = (name: string, reply: Reply) => pages.set(name, reply.text);

/** What a page says, tags and extra white space taken out. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

describe("confirming the address", () => {
  it("mails a link at sign-up; commenting, asking and generating wait for it; the link confirms once", async () => {
    const ada = await join("ada");
    const first = await mail().waitFor(ada.email, { subject: SUBJECTS.verify });
    expect(first.text).toContain(`${base}/en/verify-email?token=`);

    // Member pages carry the banner with its button; acting is refused, in the member's language, with the button.
    const home = await ada.visitor.get("/en/");
    keep("member page with the banner", home);
    expect(home.text).toContain('data-testid="confirm-banner"');
    expect(home.text).toContain('action="/api/account/verification"');
    const refused = await comment(ada.visitor, "Before confirming");
    expect(refused.status, refused.text).toBe(403);
    expect(JSON.parse(refused.text).error.code).toBe("email_unverified");
    const posted = await ada.visitor.post("/api/comments", {
      article: article.documentId,
      locale: "en",
      body: "Typed before confirming",
      next: `/en/a/${article.slug}`,
    });
    expect(posted.status).toBe(303);
    const back = await ada.visitor.get(String(posted.location));
    keep("refused comment with the resend button", back);
    expect(textOf(back.text)).toContain("Confirm your e-mail address first");
    expect(back.text).toContain("Typed before confirming");
    expect(back.text).toContain('action="/api/account/verification"');
    const asked = await ada.visitor.post("/api/ask", { question: "What are tides?", next: "/en/ask" }, json);
    expect(asked.status, asked.text).toBe(403);
    expect(JSON.parse(asked.text).error.code).toBe("email_unverified");
    const generated = await ada.visitor.post(
      "/api/generation",
      { topic: "Tides", targetLength: "1200", language: "en", next: "/en/write" },
      json,
    );
    expect(generated.status, generated.text).toBe(403);
    expect(JSON.parse(generated.text).error.code).toBe("email_unverified");

    // A new link replaces the first one.
    const resent = await ada.visitor.post("/api/account/verification", { next: "/en/" }, json);
    expect(resent.status, resent.text).toBe(200);
    const second = await mail().waitFor(ada.email, { subject: SUBJECTS.verify, except: [first.id] });
    const old = tokenIn(first, /^\/en\/verify-email$/);
    const fresh = tokenIn(second, /^\/en\/verify-email$/);
    const oldPage = await visitor().get(old.href);
    expect([404, 410]).toContain(oldPage.status);
    expect(oldPage.text).not.toContain('action="/api/account/verify-email"');

    // Opening the link (twice: a mail scanner, then the member) uses nothing up; the button does.
    for (let i = 0; i < 2; i++) {
      const page = await visitor().get(fresh.href);
      keep("verify-email, valid", page);
      expect(page.status).toBe(200);
      expect(page.text).toContain('action="/api/account/verify-email"');
      expect(page.text).toContain('<meta name="robots" content="noindex"');
      expect(page.text).toContain("a***@example.test");
    }
    const confirmed = await ada.visitor.post("/api/account/verify-email", {
      token: fresh.token,
      next: "/en/verify-email",
    });
    expect(confirmed.status).toBe(303);
    const after = await ada.visitor.get(String(confirmed.location));
    expect(textOf(after.text)).toContain("Your e-mail address is confirmed");
    expect(after.text).not.toContain('data-testid="confirm-banner"');
    expect((await comment(ada.visitor, "After confirming")).status).toBe(200);

    // Used once, the link says so, in the page's language.
    const used = await visitor().get(fresh.href.replace("/en/", "/zh-CN/"));
    keep("verify-email, used (zh-CN)", used);
    expect(used.status).toBe(410);
    expect(used.text).toContain("链接已经用过");
    expect(used.text).toContain('<html lang="zh-CN"');
    const again = await visitor().post("/api/account/verification", { next: "/en/" }, json);
    expect(again.status).toBe(401);
    const already = await ada.visitor.post("/api/account/verification", { next: "/en/" }, json);
    expect(already.status, already.text).toBe(200);
    expect(JSON.parse(already.text).data.verified).toBe(true);
  });
});

describe("a forgotten password", () => {
  it("is reset with the mailed link: the old password stops working, every session ends", async () => {
    const bo = await join("bo");
    const other = await signIn(bo.name);
    expect(other.reply.status).toBe(200);
    const sent = await resetMail(bo.email);
    expect(sent.subject).toMatch(SUBJECTS.reset);
    const link = tokenIn(sent, /^\/en\/reset-password$/);

    const page = await visitor().get(link.href);
    keep("reset-password, valid", page);
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/api/account/reset-password"');
    expect(page.text).toContain('autocomplete="new-password"');
    const differ = await visitor().post("/api/account/reset-password", {
      token: link.token,
      password: NEW_PASSWORD,
      repeat: "something-else",
      next: "/en/reset-password",
    });
    expect(differ.status).toBe(303);
    const reset = await visitor().post("/api/account/reset-password", {
      token: link.token,
      password: NEW_PASSWORD,
      repeat: NEW_PASSWORD,
      next: "/en/reset-password",
    });
    expect(reset.status).toBe(303);
    expect(reset.location).toBe("/en/signin");

    expect((await signIn(bo.name, PASSWORD)).reply.status).toBe(401);
    const fresh = await signIn(bo.name, NEW_PASSWORD);
    expect(fresh.reply.status).toBe(200);
    expect(await signedIn(bo.visitor)).toBe(false);
    expect(await signedIn(other.visitor)).toBe(false);
    // The link proved the address: no confirmation is asked for any more.
    expect((await comment(fresh.visitor, "Back with a new password")).status).toBe(200);

    // Used, the link says so and changes nothing.
    const used = await visitor().get(link.href);
    expect(used.status).toBe(410);
    expect(textOf(used.text)).toContain("This link was already used");
    expect(used.text).toContain('href="/en/forgot-password"');
    const reused = await visitor().post("/api/account/reset-password", {
      token: link.token,
      password: PASSWORD,
      repeat: PASSWORD,
      next: "/en/reset-password",
    });
    expect(reused.status).toBe(303);
    expect(reused.location).toBe(link.href);
    expect((await signIn(bo.name, NEW_PASSWORD)).reply.status).toBe(200);
  });

  it("says an expired link has expired, and keeps the password", async () => {
    const cy = await join("cy");
    const link = tokenIn(await resetMail(cy.email), /^\/en\/reset-password$/);
    // Thirty minutes, passed at once.
    const aged = await db.query(
      "UPDATE account_links SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND purpose = 'password-reset'",
      [cy.userId],
    );
    expect(aged.rowCount).toBeGreaterThan(0);
    for (const locale of ["en", "zh-CN"]) {
      const page = await visitor().get(link.href.replace("/en/", `/${locale}/`));
      keep(`reset-password, expired (${locale})`, page);
      expect(page.status).toBe(410);
      expect(page.text).not.toContain('action="/api/account/reset-password"');
      expect(page.text).toContain(`href="/${locale}/forgot-password"`);
      expect(textOf(page.text)).toContain(locale === "en" ? "This link has expired" : "链接已过期");
    }
    const late = await visitor().post(
      "/api/account/reset-password",
      { token: link.token, password: NEW_PASSWORD, repeat: NEW_PASSWORD, next: "/en/reset-password" },
      json,
    );
    expect(late.status).toBe(400);
    expect(JSON.parse(late.text).error.code).toBe("link_expired");
    expect((await signIn(cy.name, PASSWORD)).reply.status).toBe(200);
  });

  it("says an altered or unknown link does not work, never a 500", async () => {
    const dee = await join("dee");
    const { token } = tokenIn(await resetMail(dee.email), /^\/en\/reset-password$/);
    const altered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const value of [altered, "A".repeat(43), "short", "x".repeat(500), ""]) {
      const page = await visitor().get(`/en/reset-password?token=${encodeURIComponent(value)}`);
      expect(page.status, value).toBe(404);
      expect(textOf(page.text)).toContain("This link does not work");
      keep("reset-password, invalid", page);
    }
    for (const path of ["/en/verify-email?token=nope", "/en/confirm-email?token=nope", "/en/unsubscribe?token=%20"])
      expect((await visitor().get(path)).status, path).toBeLessThan(500);
    const forged = await visitor().post(
      "/api/account/reset-password",
      { token: altered, password: NEW_PASSWORD, repeat: NEW_PASSWORD, next: "/en/reset-password" },
      json,
    );
    expect(forged.status).toBe(400);
    expect(JSON.parse(forged.text).error.code).toBe("link_invalid");
    expect((await signIn(dee.name, PASSWORD)).reply.status).toBe(200);
  });

  it("answers an unknown address exactly as a known one", async () => {
    const eve = await join("eve");
    const unknown = `acc${RUN}nobody@example.test`;
    const ask = (email: string, accept?: string) =>
      visitor().post("/api/account/forgot-password", { email, next: "/en/forgot-password" }, accept ? { accept } : {});
    const comparable = (reply: Reply) => ({
      status: reply.status,
      text: reply.text,
      headers: [...reply.headers].filter(([name]) => name !== "date" && name !== "x-request-id"),
    });
    const [known, none] = [await ask(eve.email), await ask(unknown)];
    expect(comparable(none)).toEqual(comparable(known));
    const [knownJson, noneJson] = [await ask(eve.email, "application/json"), await ask(unknown, "application/json")];
    expect(comparable(noneJson)).toEqual(comparable(knownJson));
    expect(knownJson.status).toBe(202);
    const [page, otherPage] = [await visitor().get(String(known.location)), await visitor().get(String(none.location))];
    keep("forgot-password, sent", page);
    expect(textOf(otherPage.text)).toEqual(textOf(page.text));
    expect(textOf(page.text)).toContain("If an account has this address");

    await mail().waitFor(eve.email, { subject: SUBJECTS.reset });
    await mail().none(unknown);
    // A malformed address is the one thing refused.
    const malformed = await visitor().post(
      "/api/account/forgot-password",
      { email: "not an address", next: "/en/forgot-password" },
      json,
    );
    expect(malformed.status).toBe(400);
  });

  it("is limited per address, with the standard 429 page", async () => {
    const v = visitor();
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++)
      replies.push(
        await v.post("/api/account/forgot-password", {
          email: `acc${RUN}limit${i}@example.test`,
          next: "/en/forgot-password",
        }),
      );
    expect(replies.slice(0, 5).map((r) => r.status)).toEqual([303, 303, 303, 303, 303]);
    const limited = replies[5] as Reply;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("content-type")).toContain("text/html");
    expect(limited.text).toContain("<h1>429</h1>");
    expect(limited.text).toContain("Too many attempts");
    // Another address is not held back by it.
    expect((await visitor().post("/api/account/forgot-password", { email: `acc${RUN}x@example.test` })).status).toBe(
      303,
    );
  });
});

describe("changing the password", () => {
  it("asks for the current one, and ends every other session", async () => {
    const fay = await join("fay");
    const phone = await signIn(fay.name);
    expect(await signedIn(phone.visitor)).toBe(true);

    const wrong = await fay.visitor.post("/api/account/password", {
      currentPassword: "not-my-password",
      password: NEW_PASSWORD,
      repeat: NEW_PASSWORD,
      next: "/en/settings",
    });
    expect(wrong.status).toBe(303);
    expect(wrong.location).toBe("/en/settings#password");
    const settings = await fay.visitor.get("/en/settings");
    keep("settings with a field error", settings);
    expect(textOf(settings.text)).toContain("That is not your current password.");
    expect(settings.text).toContain('id="password-currentPassword-error"');
    expect(await signedIn(phone.visitor)).toBe(true);

    const changed = await fay.visitor.post(
      "/api/account/password",
      { currentPassword: PASSWORD, password: NEW_PASSWORD, repeat: NEW_PASSWORD, next: "/en/settings" },
      json,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(JSON.parse(changed.text).data.ended).toBe(1);
    expect(await signedIn(phone.visitor)).toBe(false);
    expect(await signedIn(fay.visitor)).toBe(true);
    expect((await signIn(fay.name, PASSWORD)).reply.status).toBe(401);
    expect((await signIn(fay.name, NEW_PASSWORD)).reply.status).toBe(200);
    await mail().waitFor(fay.email, { subject: SUBJECTS.passwordChanged });
  });
});

describe("changing the e-mail address", () => {
  it("confirms the new address by its link, tells the old one, and signs in with the new one", async () => {
    const gus = await join("gus");
    const taken = await join("gustaken");
    const newEmail = `acc${RUN}gus-new@example.test`;
    const refusals = [
      [{ email: taken.email, currentPassword: PASSWORD }, "email_taken"],
      [{ email: gus.email, currentPassword: PASSWORD }, "same_email"],
      [{ email: newEmail, currentPassword: "not-my-password" }, "wrong_password"],
    ] as const;
    for (const [fields, code] of refusals) {
      const refused = await gus.visitor.post("/api/account/email", { ...fields, next: "/en/settings" }, json);
      expect(refused.status, refused.text).toBe(400);
      expect(JSON.parse(refused.text).error.code).toBe(code);
    }

    const asked = await gus.visitor.post(
      "/api/account/email",
      { email: newEmail, currentPassword: PASSWORD, next: "/en/settings" },
      json,
    );
    expect(asked.status, asked.text).toBe(200);
    await mail().waitFor(gus.email, { subject: SUBJECTS.emailNotice });
    const link = tokenIn(await mail().waitFor(newEmail, { subject: SUBJECTS.emailChange }), /^\/en\/confirm-email$/);
    // Nothing changes before the link is used.
    expect((await signIn(gus.email)).reply.status).toBe(200);

    const page = await visitor().get(link.href);
    keep("confirm-email, valid", page);
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/api/account/confirm-email"');
    const confirmed = await visitor().post("/api/account/confirm-email", {
      token: link.token,
      next: "/en/confirm-email",
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe("/en/signin");

    expect((await signIn(newEmail)).reply.status).toBe(200);
    expect((await signIn(gus.email)).reply.status).toBe(401);
    await mail().waitFor(gus.email, { subject: /e-mail address was changed/ });
    const used = await visitor().get(link.href);
    expect(used.status).toBe(410);
  });
});

describe("the export", () => {
  it("is one zip of the member's data, for them only", async () => {
    const hal = await join("hal");
    await confirm(hal);
    expect((await comment(hal.visitor, `Exported comment ${RUN}`)).status).toBe(200);

    const anonymous = await visitor().get("/api/account/export");
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toContain("/signin");

    const response = await fetch(`${base}/api/account/export`, {
      headers: { cookie: `inkstone_session=${hal.visitor.cookie("inkstone_session")}`, ...hal.visitor.headers },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="inkstone-${hal.handle}-[0-9-]+\\.zip"$`),
    );
    expect(response.headers.get("cache-control")).toContain("no-store");
    const dir = mkdtempSync(joinPath(tmpdir(), "inkstone-export-"));
    try {
      const file = joinPath(dir, "export.zip");
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      const listing = execFileSync("unzip", ["-l", file], { encoding: "utf8" });
      for (const entry of ["account.json", "comments.json", "reactions.json", "follows.json"])
        expect(listing).toContain(entry);
      const account = JSON.parse(execFileSync("unzip", ["-p", file, "account.json"], { encoding: "utf8" }));
      expect(JSON.stringify(account)).toContain(hal.name);
      expect(execFileSync("unzip", ["-p", file, "comments.json"], { encoding: "utf8" })).toContain(
        `Exported comment ${RUN}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("deleting the account", () => {
  it("ends every session, erases the member, and keeps their comments as a deleted member's — or removes them", async () => {
    const ivy = await join("ivy");
    const jon = await join("jon");
    await confirm(ivy);
    await confirm(jon);
    const kept = `Kept after leaving ${RUN}`;
    const removed = `Removed when leaving ${RUN}`;
    expect((await comment(ivy.visitor, kept)).status).toBe(200);
    expect((await comment(jon.visitor, removed)).status).toBe(200);
    const before = await visitor().get(`/en/a/${article.slug}`);
    expect(before.text).toContain(kept);
    expect(before.text).toContain(removed);
    const laptop = await signIn(ivy.name);

    const wrong = await ivy.visitor.post(
      "/api/account/delete",
      { password: "not-my-password", comments: "keep", next: "/en/settings" },
      json,
    );
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text).error.code).toBe("wrong_password");
    const settings = await ivy.visitor.get("/en/settings");
    expect(settings.text).toContain('action="/api/account/delete"');

    const gone = await ivy.visitor.post("/api/account/delete", {
      password: PASSWORD,
      comments: "keep",
      next: "/en/settings",
    });
    expect(gone.status).toBe(303);
    expect(gone.location).toBe("/en/");
    expect(ivy.visitor.cookie("inkstone_session")).toBeUndefined();
    const home = await ivy.visitor.get("/en/");
    expect(textOf(home.text)).toContain("Your account is deleted");
    expect(await signedIn(laptop.visitor)).toBe(false);
    expect((await signIn(ivy.name)).reply.status).toBe(401);
    await mail().waitFor(ivy.email, { subject: SUBJECTS.deleted });
    const users = await db.query("SELECT 1 FROM up_users WHERE document_id = $1 OR username = $2", [
      ivy.userId,
      ivy.name,
    ]);
    expect(users.rowCount).toBe(0);

    const jonGone = await jon.visitor.post(
      "/api/account/delete",
      { password: PASSWORD, comments: "remove", next: "/en/settings" },
      json,
    );
    expect(jonGone.status, jonGone.text).toBe(200);

    const after = await visitor().get(`/en/a/${article.slug}`);
    expect(after.text).toContain(kept);
    expect(after.text).toContain("Deleted member");
    expect(after.text).not.toContain(removed);
    expect(after.text).not.toContain(`/en/authors/${ivy.handle}"`);
    // The kept comment names no one: no link to the anonymous profile that replaced the member's.
    expect(after.text).not.toMatch(/\/en\/authors\/deleted-/);
  });
});

describe("unsubscribing", () => {
  let kit: Member;
  let notice: Mail;

  beforeAll(async () => {
    kit = await join("kit");
    const lee = await join("lee");
    await confirm(kit);
    await confirm(lee);
    const seen = (await mail().all(kit.email)).map((m) => m.id);
    const posted = await comment(kit.visitor, `Kit's thoughts ${RUN}`);
    const parent = JSON.parse(posted.text).data.id as string;
    const reply = await lee.visitor.post(
      "/api/comments",
      { article: article.documentId, locale: "en", parent, body: "A reply to Kit", next: `/en/a/${article.slug}` },
      json,
    );
    expect(reply.status, reply.text).toBe(200);
    // Replies are mailed at once by default.
    notice = await mail().waitFor(kit.email, { except: seen });
  });

  it("mails a notification with RFC 8058 headers pointing at the community's one-click route", () => {
    expect(notice.headers["list-unsubscribe-post"], JSON.stringify(notice.headers)).toBe("List-Unsubscribe=One-Click");
    const oneClick = new URL(String(/<([^>]+)>/.exec(notice.headers["list-unsubscribe"] ?? "")?.[1]));
    expect(`${oneClick.origin}${oneClick.pathname}`).toBe(`${base}/api/mail/unsubscribe`);
    expect(oneClick.searchParams.get("token")).toBe(tokenIn(notice, /^\/en\/unsubscribe$/).token);
  });

  it("takes one click from a mail provider: no cookie, no Origin, the token alone", async () => {
    const { token } = tokenIn(notice, /^\/en\/unsubscribe$/);
    const oneClick = `${base}/api/mail/unsubscribe?token=${encodeURIComponent(token)}`;
    const send = (url: string, body = "List-Unsubscribe=One-Click") =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.18.200.1" },
        body,
      });
    // Without its token the route is checked like any other; with another body it is not a one-click unsubscribe.
    expect((await send(`${base}/api/mail/unsubscribe`)).status).toBe(403);
    expect((await send(oneClick, "something=else")).status).toBe(400);
    const forged = await send(`${base}/api/mail/unsubscribe?token=${encodeURIComponent(`${token.slice(0, -2)}xx`)}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("does not work");

    const clicked = await send(oneClick);
    expect(clicked.status).toBe(200);
    expect(clicked.headers.get("content-type")).toContain("text/plain");
    expect(await clicked.text()).toMatch(/Unsubscribed/);
    const settings = await kit.visitor.get("/en/settings");
    expect(settings.text).toMatch(/name="replies" value="never" checked/);
    expect(settings.text).toMatch(/name="follows" value="daily" checked/);
  });

  it("has a page with one button for the link in the mail's text, and Settings to choose again", async () => {
    const page = tokenIn(notice, /^\/en\/unsubscribe$/);
    const opened = await visitor().get(page.href);
    keep("unsubscribe", opened);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('action="/api/account/unsubscribe"');
    expect(opened.text).toContain('<meta name="robots" content="noindex"');
    const someone = visitor();
    const pressed = await someone.post("/api/account/unsubscribe", { token: page.token, next: "/en/unsubscribe" });
    expect(pressed.status).toBe(303);
    const done = await someone.get(String(pressed.location));
    expect(textOf(done.text)).toContain("You will get no more e-mails about comments and replies at a***@example.test");

    const saved = await kit.visitor.post(
      "/api/account/mail-preferences",
      { replies: "daily", follows: "never", reviews: "immediate", runs: "never", next: "/en/settings" },
      json,
    );
    expect(saved.status, saved.text).toBe(200);
    expect(JSON.parse(saved.text).data).toMatchObject({ replies: "daily", follows: "never", runs: "never" });
    const settings = await kit.visitor.get("/en/settings");
    expect(settings.text).toMatch(/name="replies" value="daily" checked/);
    const invalid = await kit.visitor.post("/api/account/mail-preferences", { replies: "hourly" }, json);
    expect(invalid.status).toBe(400);
  });
});

describe.skipIf(!hasJava())("the account's pages", () => {
  it("are valid HTML", async () => {
    for (const path of ["/en/forgot-password", "/zh-CN/forgot-password", "/en/signin", "/en/unsubscribe"])
      keep(path, await visitor().get(path));
    expect(pages.size).toBeGreaterThanOrEqual(14);
    expect(await invalidPages(pages)).toEqual({});
  });
});
