// The creator studio against the real CMS, worker, Temporal and community: a member's runs and articles, the draft
// editor (preview, removing a source, saving, submitting, withdrawing, a stale version, a citation that points
// nowhere), who may see what, the signed preview page an editor opens from the CMS, and the notifications the studio
// brings (replies, likes, an editor's decisions). Each visitor comes from an address of its own (a trusted proxy's
// X-Forwarded-For), so the per-address limits meet only the test that is about them.
import { randomBytes } from "node:crypto";
import { previewPath } from "@inkstone/config/preview";
import type { GenerationClient } from "@inkstone/workflows/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, draft } from "../../cms/test/cms-api.ts";
import { hasJava, invalidPages } from "../../scripts/quality/vnu.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { citedBody, type Published, publishArticle } from "./support/content.ts";
import { generationClientFor } from "./support/generation.ts";
import { addressedVisitor, type Reply, type Visitor } from "./support/visitor.ts";

const PASSWORD = "Passw0rd-long";
const json = { accept: "application/json" };
/** This file's names: unique in the shared mail catcher and easy to find in logs. */
const RUN = randomBytes(3).toString("hex");
const ARTICLES = "/content-manager/collection-types/api::article.article";

let env: StackEnv;
let base: string;
let api: CmsApi;
let db: pg.Client;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;
let runs: GenerationClient;

beforeAll(async () => {
  web = await startFixtureWeb({
    "/tides": { body: articlePage("Tide tables", prose("Tide tables")) },
    "/slow": { body: articlePage("Slow tides", prose("Slow tides")), delayMs: 120_000 },
  });
  ({ env } = await startTestApps(["cms", "worker", "community"], {
    FETCH_ALLOW_PRIVATE: "true",
    FETCH_TIMEOUT_MS: "120000",
    TRUSTED_PROXIES: "127.0.0.1,::1",
  }));
  base = String(env.COMMUNITY_URL);
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  runs = await generationClientFor(env);
});
afterAll(async () => {
  await runs?.close();
  await db?.end();
  await web?.close();
});

const visitor = () => addressedVisitor(base);

type Member = { name: string; userId: string; handle: string; visitor: Visitor };

/** A new member, signed up through the community from an address of their own. */
async function join(who: string): Promise<Member> {
  const name = `st${RUN}${who}`;
  const v = visitor();
  const reply = await v.post(
    "/api/auth/signup",
    { username: name, email: `${name}@example.test`, password: PASSWORD, next: "/en/" },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  const { rows } = await db.query("SELECT document_id FROM up_users WHERE username = $1", [name]);
  return { name, userId: rows[0].document_id, handle: JSON.parse(reply.text).data.handle, visitor: v };
}

/** A generated draft of `member`'s, saved by the worker's route as at the end of a run; its document id. */
async function draftOf(member: Member, overrides: Record<string, unknown> = {}): Promise<string> {
  const runId = `studio-${RUN}-${randomBytes(3).toString("hex")}`;
  const saved = await api.saveDraft(runId, draft(member.userId, runId, { ...citedBody, ...overrides }));
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return saved.body.data.documentId;
}

/** The draft version of an article as the CMS stores it. */
async function stored(documentId: string, locale = "en") {
  const { rows } = await db.query(
    "SELECT title, body, review_state, review_note FROM articles WHERE document_id = $1 AND locale = $2 AND published_at IS NULL",
    [documentId, locale],
  );
  return rows[0] as { title: string; body: string; review_state: string; review_note: string | null };
}

const editorPath = (documentId: string, page = "en", article = "en") =>
  `/${page}/studio/articles/${article}/${documentId}`;

/** What a page says, tags and extra white space taken out. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

/** The value of the form field `name` in `html` (an input's value or a textarea's text), unescaped. */
function fieldValue(html: string, name: string): string | undefined {
  const decoded = (text: string) =>
    text
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&#10;/g, "\n")
      .replace(/&#13;/g, "\r")
      .replace(/&amp;/g, "&");
  const input = html.match(new RegExp(`<input[^>]*name="${name.replace(/\./g, "\\.")}"[^>]*>`));
  if (input) return decoded(input[0].match(/value="([^"]*)"/)?.[1] ?? "");
  const area = html.match(new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`));
  return area ? decoded(area[1] ?? "") : undefined;
}

/** The editor form's fields as the page holds them (what a browser would send back), with `changes`. */
function formOf(html: string, changes: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of ["version", "title", "summary", "body"]) fields[name] = fieldValue(html, name) ?? "";
  for (const match of html.matchAll(/name="(sources\.\d+\.(?:title|url|excerpt))"/g)) {
    const name = match[1] as string;
    fields[name] = fieldValue(html, name) ?? "";
  }
  return { ...fields, ...changes };
}

/** Pages as the tests met them, checked for valid HTML at the end. */
const pages = new Map<string, string>();
const keep = (name: string, reply: Reply) => {
  pages.set(name, reply.text);
  return reply;
};

/** Waits until the run is no longer queued or running; its final status. */
async function settled(runId: string): Promise<string> {
  await expect
    .poll(async () => (await runs.getRun(runId)).status, { timeout: 120_000, interval: 500 })
    .toMatch(/^(done|failed|cancelled)$/);
  return (await runs.getRun(runId)).status;
}

async function startRun(member: Member, fields: Record<string, string>): Promise<string> {
  const reply = await member.visitor.post(
    "/api/generation",
    { targetLength: "600", next: "/en/write", ...fields },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  return JSON.parse(reply.text).data.runId;
}

describe("the studio", () => {
  it("tells a new creator what to do, in both languages, and only signed-in members get it", async () => {
    const newcomer = await join("new");
    const en = keep("studio, empty (en)", await newcomer.visitor.get("/en/studio"));
    expect(en.status).toBe(200);
    expect(en.headers.get("cache-control")).toBe("private, no-store");
    expect(en.text).toContain('<meta name="robots" content="noindex"');
    expect(en.text).toContain('data-testid="runs-empty"');
    expect(textOf(en.text)).toContain("You have not launched a run yet.");
    expect(en.text).toContain('href="/en/write"');
    expect(textOf(en.text)).toContain("No articles yet.");
    // The header links to it, marked as the current page here.
    expect(en.text).toMatch(/<a href="\/en\/studio" aria-current="page"[^>]*>Studio<\/a>/);
    const zh = keep("studio, empty (zh-CN)", await newcomer.visitor.get("/zh-CN/studio"));
    expect(textOf(zh.text)).toContain("你还没有发起过生成任务。");
    expect(textOf(zh.text)).toContain("还没有文章。");

    const anonymous = await visitor().get("/en/studio?page=2");
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe(`/en/signin?next=${encodeURIComponent("/en/studio?page=2")}`);
    expect(anonymous.headers.get("cache-control")).toBe("private, no-store");
    // Signed out, the header has no Studio link.
    expect((await visitor().get("/en/")).text).not.toContain('href="/en/studio"');
  });

  it("lists the member's runs in every state, with what to do next, and their articles with their review state", async () => {
    const ada = await join("ada");
    const bob = await join("bob");
    const done = await startRun(ada, { topic: `Tide tables ${RUN}`, urls: `${web.url}/tides` });
    const cancelled = await startRun(ada, { topic: `Slow tides ${RUN}`, urls: `${web.url}/slow` });
    const stopped = await ada.visitor.post(`/api/runs/${encodeURIComponent(cancelled)}/cancel`, { next: "/en/studio" });
    expect(stopped.status, stopped.text).toBe(303);
    const failed = await startRun(ada, { topic: `Qxvzt plorb ${RUN}`, urls: `${web.url}/missing` });
    expect(await settled(done)).toBe("done");
    expect(await settled(cancelled)).toBe("cancelled");
    expect(await settled(failed)).toBe("failed");
    const made = (await runs.getRun(done)).result;
    expect(made).toBeDefined();

    const page = keep("studio with runs and a draft", await ada.visitor.get("/en/studio"));
    expect(page.status).toBe(200);
    const item = (runId: string) => {
      const start = page.text.indexOf(`data-run="${runId}"`);
      expect(start, runId).toBeGreaterThan(0);
      return page.text.slice(start, page.text.indexOf("</li>", start));
    };
    const finished = item(done);
    expect(finished).toContain('data-status="done"');
    expect(textOf(finished)).toContain("Done");
    expect(finished).toContain(`href="/en/runs/${encodeURIComponent(done)}"`);
    // The run's draft opens in the studio's editor.
    expect(finished).toContain(`href="${editorPath(String(made?.documentId), "en", String(made?.locale))}"`);
    expect(finished).not.toContain("/retry");
    const gone = item(cancelled);
    expect(textOf(gone)).toContain("Cancelled");
    expect(gone).toContain(`action="/api/runs/${encodeURIComponent(cancelled)}/retry"`);
    expect(gone).toContain(`href="/en/write?from=${encodeURIComponent(cancelled)}"`);
    const broken = item(failed);
    expect(textOf(broken)).toContain("Failed");
    expect(broken).toContain('data-testid="run-error"');
    expect(broken).toContain(`action="/api/runs/${encodeURIComponent(failed)}/retry"`);

    // The draft the run saved is Ada's, in the draft state, with its editor's link.
    const articles = page.text.slice(page.text.indexOf('data-testid="articles"'));
    expect(articles).toContain(`data-article="${made?.documentId}"`);
    expect(articles).toContain('data-state="draft"');
    expect(textOf(articles)).toContain("Only you can see it.");
    const zh = keep("studio with runs (zh-CN)", await ada.visitor.get("/zh-CN/studio"));
    expect(textOf(zh.text)).toContain("草稿");
    expect(textOf(zh.text)).toContain("已取消");

    // Bob sees none of Ada's.
    const other = await bob.visitor.get("/en/studio");
    expect(other.text).not.toContain(done);
    expect(other.text).not.toContain(String(made?.documentId));
  });

  it("pages the articles and shows each state, the editor's note and the published page", async () => {
    const cy = await join("cy");
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await draftOf(cy, { title: `Cy's draft ${i} ${RUN}` }));
    const [declined, changes, published] = ids as [string, string, string];
    expect(
      (
        await api.admin("PUT", `${ARTICLES}/${declined}?locale=en`, {
          reviewState: "declined",
          reviewNote: "Off topic for Inkstone.",
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.admin("PUT", `${ARTICLES}/${changes}?locale=en`, {
          reviewState: "changes_requested",
          reviewNote: "Cite a second source for the tides.",
        })
      ).status,
    ).toBe(200);
    expect((await api.publish(published, "en")).status).toBe(200);

    const first = keep("studio, first page of articles", await cy.visitor.get("/en/studio"));
    const second = await cy.visitor.get("/en/studio?page=2");
    expect(first.text).toContain('rel="next"');
    const all = first.text + second.text;
    for (const id of ids) expect(all).toContain(`data-article="${id}"`);
    const row = (id: string) => {
      const start = all.indexOf(`data-article="${id}"`);
      return all.slice(start, all.indexOf("</li>", start));
    };
    expect(row(declined)).toContain('data-state="declined"');
    expect(textOf(row(declined))).toContain("Off topic for Inkstone.");
    expect(row(changes)).toContain('data-state="changes_requested"');
    expect(row(changes)).toContain('data-testid="review-note"');
    expect(textOf(row(changes))).toContain("Cite a second source for the tides.");
    expect(row(published)).toContain('data-state="published"');
    const slug = (
      await db.query("SELECT slug FROM articles WHERE document_id = $1 AND published_at IS NOT NULL", [published])
    ).rows[0].slug;
    expect(row(published)).toContain(`href="/en/a/${slug}"`);
  });
});

describe("the draft editor", () => {
  let ada: Member;
  let bob: Member;
  let documentId: string;

  beforeAll(async () => {
    [ada, bob] = [await join("editor-ada"), await join("editor-bob")];
    documentId = await draftOf(ada, { title: `Why sources matter ${RUN}` });
  });

  it("edits a paragraph keeping its citations, previews it, saves it, submits it and withdraws it", async () => {
    const path = editorPath(documentId);
    const opened = keep("editor", await ada.visitor.get(path));
    expect(opened.status).toBe(200);
    expect(opened.headers.get("cache-control")).toBe("private, no-store");
    expect(opened.text).toContain('<meta name="robots" content="noindex"');
    expect(fieldValue(opened.text, "body")?.trim()).toBe(citedBody.body.trim());
    expect(fieldValue(opened.text, "sources.1.url")).toBe("https://example.org/second");

    const paragraph = "Every claim cites what was read, and the reader can check it [1]. Some claims need two [1] [2].";
    const body = String(fieldValue(opened.text, "body")).replace(
      /Every claim cites what was read \[1\]\. Some claims need two \[1\] \[2\]\./,
      paragraph,
    );
    expect(body).toContain(paragraph);

    // Preview: the unsaved form rendered as the article page renders it, citations linked to their sources.
    const preview = keep(
      "editor, preview",
      await ada.visitor.post(path, formOf(opened.text, { body, intent: "preview" })),
    );
    expect(preview.status).toBe(200);
    expect(preview.text).toMatch(/<section[^>]*class="editor-preview[^"]*"[^>]*data-preview(?![^>]*hidden)/);
    expect(textOf(preview.text)).toContain("and the reader can check it");
    expect(preview.text).toContain('<a href="#source-2"');
    expect(preview.text).toContain('data-testid="unsaved"');
    expect((await stored(documentId)).body).not.toContain("the reader can check it");

    // Save: post/redirect/get, with a message; the CMS has the new version.
    const saved = await ada.visitor.post(path, formOf(preview.text, { intent: "save" }));
    expect(saved.status, saved.text).toBe(303);
    expect(saved.location).toBe(path);
    const after = keep("editor, saved", await ada.visitor.get(path));
    expect(textOf(after.text)).toContain("Draft saved.");
    expect(fieldValue(after.text, "body")).toContain(paragraph);
    expect((await stored(documentId)).body).toContain(paragraph);

    // Submit: saved and sent; the page is read-only, says why, and offers to withdraw.
    const submitted = await ada.visitor.post(path, formOf(after.text, { intent: "submit" }));
    expect(submitted.status, submitted.text).toBe(303);
    expect((await stored(documentId)).review_state).toBe("submitted");
    const waiting = keep("editor, submitted", await ada.visitor.get(path));
    expect(textOf(waiting.text)).toContain("Submitted. An editor will review it;");
    expect(waiting.text).toContain('data-testid="read-only"');
    expect(waiting.text).not.toContain('name="body"');
    expect(waiting.text).toContain(`action="/api/studio/articles/en/${documentId}/withdraw"`);

    // A save while it is submitted is refused, and says what to do.
    const refused = await ada.visitor.post(path, formOf(after.text, { intent: "save" }));
    expect(refused.status).toBe(409);
    expect(textOf(refused.text)).toContain("Withdraw it to edit it again.");

    // Withdraw: a draft again.
    const withdrawn = await ada.visitor.submit(`/api/studio/articles/en/${documentId}/withdraw`, { next: path });
    expect(textOf(withdrawn.text)).toContain("Withdrawn: it is a draft again");
    expect((await stored(documentId)).review_state).toBe("draft");
    expect(withdrawn.text).toContain('name="body"');
    // Once more, as a script: the CMS's 409, with a message.
    const again = await ada.visitor.post(`/api/studio/articles/en/${documentId}/withdraw`, { next: path }, json);
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text).error.message).toContain("Reload the page");
  });

  it("removes a source and renumbers the citations, unsaved until Save draft", async () => {
    const id = await draftOf(ada, { title: `Removing a source ${RUN}` });
    const path = editorPath(id);
    const opened = await ada.visitor.get(path);
    const removed = keep("editor, source removed", await ada.visitor.post(path, formOf(opened.text, { remove: "1" })));
    expect(removed.status).toBe(200);
    expect(textOf(removed.text)).toContain("Source 1 is removed");
    const renumbered =
      "## Why sources matter\n\nEvery claim cites what was read. Some claims need two [1].\n\n## How\n\nKeep notes as you read [1].";
    expect(fieldValue(removed.text, "body")?.trim()).toBe(renumbered);
    expect(fieldValue(removed.text, "sources.0.url")).toBe("https://example.org/second");
    expect(fieldValue(removed.text, "sources.1.url")).toBeUndefined();
    expect((await stored(id)).body).toContain("[2]");
    const saved = await ada.visitor.post(path, formOf(removed.text, { intent: "save" }));
    expect(saved.status, saved.text).toBe(303);
    expect((await stored(id)).body.trim()).toBe(renumbered);
  });

  it("refuses a citation that points to no source before sending anything, in the page's language", async () => {
    const id = await draftOf(ada, { title: `Bad citation ${RUN}` });
    const before = await stored(id);
    for (const [locale, message] of [
      ["en", "[7] points to no source: the article lists 2 (cite [1] to [2])."],
      ["zh-CN", "[7] 没有对应的来源：文章列出了 2 个（请引用 [1] 到 [2]）。"],
    ] as const) {
      const path = editorPath(id, locale);
      const opened = await ada.visitor.get(path);
      const typed = `${fieldValue(opened.text, "body")}\n\nA claim with nothing behind it [7].`;
      const refused = keep(
        `editor, citation refused (${locale})`,
        await ada.visitor.post(path, formOf(opened.text, { body: typed, intent: "save" })),
      );
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('aria-invalid="true"');
      expect(textOf(refused.text)).toContain(message);
      expect(fieldValue(refused.text, "body")).toBe(typed);
      // The preview shows it too, and renders the [7] as text.
      const preview = await ada.visitor.post(path, formOf(opened.text, { body: typed, intent: "preview" }));
      expect(preview.status).toBe(200);
      expect(textOf(preview.text)).toContain(message);
      expect(preview.text).not.toContain('href="#source-7"');
    }
    expect(await stored(id)).toEqual(before);
    // The live preview says the same, for the page's script.
    const live = await ada.visitor.post(
      "/api/studio/preview",
      { body: "Nothing behind it [3].", sources: "2", locale: "en" },
      json,
    );
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text).data.problems).toEqual([
      "[3] points to no source: the article lists 2 (cite [1] to [2]).",
    ]);
    expect(JSON.parse(live.text).data.html).toContain("Nothing behind it [3].");
  });

  it("keeps what was typed when the draft changed meanwhile, and saves it over the new version only when asked again", async () => {
    const id = await draftOf(ada, { title: `Stale ${RUN}` });
    const path = editorPath(id);
    const tabOne = await ada.visitor.get(path);
    const tabTwo = await ada.visitor.get(path);
    const first = await ada.visitor.post(
      path,
      formOf(tabOne.text, { title: `Stale, first tab ${RUN}`, intent: "save" }),
    );
    expect(first.status).toBe(303);
    const typed = `${fieldValue(tabTwo.text, "body")}\n\nWritten in the second tab.`;
    const stale = keep(
      "editor, stale version",
      await ada.visitor.post(path, formOf(tabTwo.text, { body: typed, intent: "save" })),
    );
    expect(stale.status).toBe(409);
    expect(textOf(stale.text)).toContain("This draft changed since you opened it");
    expect(fieldValue(stale.text, "body")).toBe(typed);
    expect(stale.text).toContain('data-testid="saved-meanwhile"');
    expect((await stored(id)).title).toBe(`Stale, first tab ${RUN}`);
    expect(fieldValue(stale.text, "version")).not.toBe(fieldValue(tabTwo.text, "version"));
    // Saving again from that page replaces the version saved meanwhile, knowingly.
    const replaced = await ada.visitor.post(path, formOf(stale.text, { intent: "save" }));
    expect(replaced.status, replaced.text).toBe(303);
    expect((await stored(id)).body).toContain("Written in the second tab.");
  });

  it("answers scripts in JSON", async () => {
    const id = await draftOf(ada, { title: `Scripted ${RUN}` });
    const path = editorPath(id);
    const opened = await ada.visitor.get(path);
    const saved = await ada.visitor.post(
      path,
      formOf(opened.text, { title: `Scripted, saved ${RUN}`, intent: "save" }),
      json,
    );
    expect(saved.status, saved.text).toBe(200);
    expect(JSON.parse(saved.text).data).toMatchObject({
      documentId: id,
      title: `Scripted, saved ${RUN}`,
      reviewState: "draft",
    });
    const invalid = await ada.visitor.post(path, formOf(opened.text, { title: "", intent: "save" }), json);
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).error).toMatchObject({ code: "invalid", fields: { title: expect.any(String) } });
    const submitted = await ada.visitor.post(`/api/studio/articles/en/${id}/submit`, {}, json);
    expect(submitted.status, submitted.text).toBe(200);
    expect(JSON.parse(submitted.text).data.reviewState).toBe("submitted");
  });

  it("is a 404 for anyone but the author; signed out, it asks to sign in; a blocked member is signed out", async () => {
    const path = editorPath(documentId);
    const before = await stored(documentId);
    const seen = keep("editor, another member", await bob.visitor.get(path));
    expect(seen.status).toBe(404);
    expect(seen.text).not.toContain(before.title);
    const posted = await bob.visitor.post(path, {
      intent: "save",
      title: "Bob's",
      body: "Mine now",
      version: new Date().toISOString(),
    });
    expect(posted.status).toBe(404);
    const asScript = await bob.visitor.post(path, { intent: "save", title: "Bob's", body: "Mine now" }, json);
    expect(asScript.status).toBe(404);
    expect(JSON.parse(asScript.text).error.code).toBe("not_found");
    for (const action of ["submit", "withdraw"]) {
      const reply = await bob.visitor.post(`/api/studio/articles/en/${documentId}/${action}`, {}, json);
      expect(reply.status, action).toBe(404);
    }
    // A document that does not exist, and a path that cannot be one, answer the same.
    expect((await ada.visitor.get(editorPath("a1b2c3d4e5f6g7h8i9j0k1l2"))).status).toBe(404);
    expect((await ada.visitor.get("/en/studio/articles/fr/abc")).status).toBe(404);

    // From another site (CSRF), even the author's own cookie changes nothing.
    const forged = await ada.visitor.post(
      path,
      { intent: "save", title: "Forged", body: "Forged", version: new Date().toISOString() },
      { origin: "https://evil.example" },
    );
    expect(forged.status).toBe(403);
    const forgedSubmit = await ada.visitor.post(`/api/studio/articles/en/${documentId}/submit`, {}, { origin: null });
    expect(forgedSubmit.status).toBe(403);
    // The live preview refuses what it cannot render, in the page's language.
    const refusedPreview = await ada.visitor.post(
      "/api/studio/preview",
      { body: "x", sources: "99", locale: "en", next: "/zh-CN/studio" },
      json,
    );
    expect(refusedPreview.status).toBe(400);
    expect(JSON.parse(refusedPreview.text).error.message).toContain("预览需要正文");

    const anonymous = await visitor().get(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe(`/en/signin?next=${encodeURIComponent(path)}`);
    expect((await visitor().post(`/api/studio/articles/en/${documentId}/submit`, {}, json)).status).toBe(401);

    const mallory = await join("editor-mallory");
    const theirs = await draftOf(mallory);
    const blocked = await api.setBlocked(mallory.userId, true);
    expect(blocked.status).toBe(200);
    const after = await mallory.visitor.get(editorPath(theirs));
    expect(after.status).toBe(303);
    expect(after.location).toContain("/en/signin");
    expect(await stored(documentId)).toEqual(before);
  });
});

describe("the preview page", () => {
  let ada: Member;
  let article: Published;
  const secret = () => String(env.COMMUNITY_WEBHOOK_SECRET);

  beforeAll(async () => {
    ada = await join("preview-ada");
    article = await publishArticle(api, ada.userId, `preview-${RUN}`, { ...citedBody, title: `Previewed ${RUN}` });
  });

  /**
   * From the article's header to its last source: what the article view renders. A draft is dated when it is shown
   * (it has no publication date yet): the day shown is the same, the time in `datetime` is not compared.
   */
  const articleView = (html: string) => {
    const article = html.indexOf('<article aria-labelledby="article-title"');
    const start = html.indexOf("<header>", article);
    const actions = html.indexOf('<div class="actions"', start);
    const end = actions > 0 ? actions : html.indexOf("</article>", start);
    return html
      .slice(start, end)
      .replace(/<time datetime="[^"]*">/g, "<time>")
      .replace(/\s+/g, " ")
      .trim();
  };

  it("renders the draft exactly as the published page does, never cached nor indexed, framed by the CMS only", async () => {
    const link = previewPath(secret(), { documentId: article.documentId, locale: "en" });
    const reply = keep("preview", await visitor().get(link));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    expect(reply.headers.get("cache-control")).toBe("private, no-store");
    const csp = String(reply.headers.get("content-security-policy"));
    expect(csp).toContain(`frame-ancestors ${new URL(String(env.CMS_URL)).origin}`);
    expect(csp).not.toContain("frame-ancestors 'none'");
    // No X-Frame-Options: DENY to contradict the policy that lets the admin frame it.
    expect(reply.headers.get("x-frame-options")).toBeNull();
    expect(reply.text).toContain('<meta name="robots" content="noindex"');
    expect(textOf(reply.text)).toContain("Preview · not published");
    expect(reply.text).not.toContain('action="/api/reactions"');
    expect(reply.text).not.toContain('id="comments-heading"');

    // The same article view as the published page, to the character.
    const published = await visitor().get(`/en/a/${article.slug}`);
    expect(articleView(reply.text).length).toBeGreaterThan(200);
    expect(articleView(reply.text)).toBe(articleView(published.text));
    // Every other page keeps refusing to be framed.
    expect(published.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(published.headers.get("x-frame-options")).toBe("DENY");

    // An editor's change to the draft shows in the preview, not on the public page.
    const edited = await api.admin("PUT", `${ARTICLES}/${article.documentId}?locale=en`, {
      title: `Previewed, edited ${RUN}`,
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(textOf((await visitor().get(link)).text)).toContain(`Previewed, edited ${RUN}`);
    expect(textOf((await visitor().get(`/en/a/${article.slug}`)).text)).not.toContain("Previewed, edited");
    // Never in the page cache: a second visitor without the signature gets nothing.
    expect((await visitor().get(`/en/preview/${article.documentId}`)).status).toBe(404);
    expect((await visitor().get("/sitemap.xml")).text).not.toContain("/preview/");
  });

  it("says in its language that an expired link has expired (410); a tampered one is 404", async () => {
    const target = { documentId: article.documentId, locale: "en" };
    const old = Date.now() - 31 * 60 * 1000;
    const expired = keep("preview, expired", await visitor().get(previewPath(secret(), target, old)));
    expect(expired.status).toBe(410);
    expect(expired.headers.get("cache-control")).toBe("private, no-store");
    expect(textOf(expired.text)).toContain("This preview link has expired");
    const zh = keep(
      "preview, expired (zh-CN)",
      await visitor().get(previewPath(secret(), { documentId: article.documentId, locale: "zh-CN" }, old)),
    );
    expect(zh.status).toBe(410);
    expect(textOf(zh.text)).toContain("预览链接已过期");

    const link = previewPath(secret(), target);
    const tampered = [
      link.replace(/signature=./, (s) => `signature=${s.endsWith("A") ? "B" : "A"}`),
      link.replace(/expires=(\d+)/, (_, n: string) => `expires=${Number(n) + 60}`),
      link.replace("/en/", "/zh-CN/"),
      link.replace(/&signature=.*$/, ""),
      previewPath("not-the-secret", target),
    ];
    for (const path of tampered) expect((await visitor().get(path)).status, path).toBe(404);
  });
});

describe("notifications", () => {
  it("say who replied, how many liked, and what an editor decided, with the note and the way to act on it", async () => {
    const author = await join("notes-author");
    const [bo, cy, di] = [await join("notes-bo"), await join("notes-cy"), await join("notes-di")];
    const article = await publishArticle(api, author.userId, `notes-${RUN}`, { title: `Notable ${RUN}` });
    const next = `/en/a/${article.slug}`;
    const comment = await bo.visitor.post(
      "/api/comments",
      { article: article.documentId, locale: "en", body: "Bo's comment", next },
      json,
    );
    expect(comment.status, comment.text).toBe(200);
    const parent = JSON.parse(comment.text).data.id;
    const reply = await cy.visitor.post(
      "/api/comments",
      { article: article.documentId, locale: "en", body: "Cy replies", parent, next },
      json,
    );
    expect(reply.status, reply.text).toBe(200);
    for (const member of [bo, cy, di]) {
      const liked = await member.visitor.post(
        "/api/reactions",
        { article: article.documentId, kind: "like", active: "true", next },
        json,
      );
      expect(liked.status, liked.text).toBe(200);
    }
    const changes = await draftOf(author, { title: `Needs work ${RUN}` });
    const declined = await draftOf(author, { title: `Not for us ${RUN}` });
    const published = await draftOf(author, { title: `Good to go ${RUN}` });
    expect(
      (
        await api.admin("PUT", `${ARTICLES}/${changes}?locale=en`, {
          reviewState: "changes_requested",
          reviewNote: "Add a source for the second claim.",
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.admin("PUT", `${ARTICLES}/${declined}?locale=en`, {
          reviewState: "declined",
          reviewNote: "We covered this last week.",
        })
      ).status,
    ).toBe(200);
    expect((await api.publish(published, "en")).status).toBe(200);

    const page = keep("notifications", await author.visitor.get("/en/notifications"));
    const text = textOf(page.text);
    expect(text).toContain(`${bo.name} commented on “Notable ${RUN}”.`);
    expect(text).toContain(`3 people liked “Notable ${RUN}”.`);
    expect(text).toContain("An editor asked for changes to your article. Their note:");
    expect(text).toContain("Add a source for the second claim.");
    expect(text).toContain("An editor declined your article. Their note:");
    expect(text).toContain("We covered this last week.");
    expect(text).toContain(`An editor published your article “Good to go ${RUN}”.`);
    expect(page.text).toContain(`href="${editorPath(changes)}"`);
    expect(page.text).toContain(`href="${editorPath(declined)}"`);
    expect(page.text).toContain(`href="/en/d/${article.documentId}#comments-heading"`);
    // Bo's comment was replied to: that is a reply, not a comment.
    const boPage = await bo.visitor.get("/en/notifications");
    expect(textOf(boPage.text)).toContain(`${cy.name} replied to your comment on “Notable ${RUN}”.`);
    const zh = keep("notifications (zh-CN)", await author.visitor.get("/zh-CN/notifications"));
    expect(textOf(zh.text)).toContain(`3 人赞了《Notable ${RUN}》。`);
    expect(textOf(zh.text)).toContain("编辑要求你修改文章。编辑的意见：");
    // The author sees the note in the studio too.
    expect(textOf((await author.visitor.get(editorPath(changes))).text)).toContain(
      "Add a source for the second claim.",
    );
  });
});

describe.skipIf(!hasJava())("the studio's pages", () => {
  it("are valid HTML", async () => {
    expect(pages.size).toBeGreaterThanOrEqual(15);
    expect(await invalidPages(pages)).toEqual({});
  });
});
