import { randomUUID } from "node:crypto";
import { previewPath } from "@inkstone/config/preview";
import type { GenerationClient } from "@inkstone/workflows/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, draft } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { generationClientFor } from "./support/generation.ts";
import { addressedVisitor, nextTestAddress, type Reply, Visitor } from "./support/visitor.ts";
import { signedEvent } from "./support/webhook.ts";

// The community's trust boundary against the real CMS, worker and Temporal, as `npm start` runs them, behind a
// trusted proxy (this test: TRUSTED_PROXIES is the loopback, and each visitor's X-Forwarded-For is the address the
// proxy saw). One generation slot, held by a source that takes almost two minutes to read.

const PASSWORD = "Passw0rd-long";
const json = { accept: "application/json" };

let env: StackEnv;
let base: string;
let api: CmsApi;
let db: pg.Client;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;
let runs: GenerationClient;
let slowUrl: string;

beforeAll(async () => {
  web = await startFixtureWeb({
    "/slow": { body: articlePage("Tide tables", prose("Tide tables")), delayMs: 110_000 },
  });
  slowUrl = `${web.url}/slow`;
  ({ env } = await startTestApps(["cms", "worker", "community"], {
    GENERATION_CONCURRENCY: "1",
    GENERATION_QUOTA: "10",
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
async function join(name: string): Promise<Member> {
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

/** Another session of `member`, from another address. */
async function signIn(member: Member): Promise<Visitor> {
  const v = visitor();
  const reply = await v.post("/api/auth/signin", { identifier: member.name, password: PASSWORD, next: "/en/" }, json);
  expect(reply.status, reply.text).toBe(200);
  return v;
}

async function block(member: Member): Promise<void> {
  const reply = await api.admin(
    "PUT",
    `/content-manager/collection-types/plugin::users-permissions.user/${member.userId}`,
    { blocked: true },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

async function comment(member: Member, article: Published, body: string): Promise<string> {
  const reply = await member.visitor.post(
    "/api/comments",
    { article: article.documentId, locale: "en", body, next: `/en/a/${article.slug}` },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  return JSON.parse(reply.text).data.id;
}

async function startRun(v: Visitor, topic: string): Promise<string> {
  const reply = await v.post(
    "/api/generation",
    { topic, urls: slowUrl, targetLength: "1200", next: "/en/write" },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  return JSON.parse(reply.text).data.runId;
}

const runStatus = async (runId: string) => (await runs.getRun(runId)).status;
const signedOut = (v: Visitor) => v.cookie("inkstone_session") === undefined;
const rows = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

/** Every row of the tables members write to, as one fingerprint per table: any write changes it. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = ["comments", "reactions", "follows", "notifications", "profiles", "up_users", "articles"];
  const prints: Record<string, string> = {};
  for (const table of tables)
    prints[table] = (
      await rows(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS print FROM ${table} t`)
    )[0].print;
  return prints;
}

/** A body sent in chunks with no Content-Length, `bytes` long. */
function chunked(bytes: number, prefix = ""): ReadableStream<Uint8Array> {
  let sent = 0;
  const head = new TextEncoder().encode(prefix);
  return new ReadableStream({
    pull(controller) {
      if (sent === 0 && head.length) {
        sent += head.length;
        return controller.enqueue(head);
      }
      if (sent >= bytes) return controller.close();
      const size = Math.min(64 * 1024, bytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

const streamed = (body: ReadableStream<Uint8Array>, type: string) =>
  ({
    method: "POST",
    body,
    duplex: "half",
    headers: { origin: base, accept: "application/json", "content-type": type },
  }) as RequestInit & {
    headers: Record<string, string>;
  };

const raw = (body: BodyInit, type: string) => ({
  method: "POST",
  body,
  headers: { origin: base, accept: "application/json", "content-type": type },
});

function multipart(
  fields: Record<string, string>,
  files: { name: string; content: string | Uint8Array<ArrayBuffer> }[] = [],
) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const file of files) data.append("files", new Blob([file.content]), file.name);
  return { method: "POST", body: data, headers: { origin: base, accept: "application/json" } };
}

const deliver = (signed: { body: string; headers: Record<string, string> }) =>
  fetch(`${base}/api/revalidate`, { method: "POST", body: signed.body, headers: signed.headers });

describe("a catalogue of bad input", () => {
  let member: Member;
  let article: Published;

  beforeAll(async () => {
    member = await join("catalogue");
    article = await publishArticle(api, member.userId, "tb-catalogue", { title: "Bad input goes nowhere" });
  });

  it("answers every entry without a 5xx, as the entry expects, and writes nothing", async () => {
    const m = () => member.visitor;
    const anon = visitor;
    const at = article.documentId;
    const megabyte = "x".repeat(1_000_000);
    const comment = (fields: Record<string, string>) => m().post("/api/comments", { next: "/en/", ...fields }, json);
    const profile = (fields: Record<string, string>) =>
      m().post("/api/profile", { displayName: "Cat", next: "/en/settings", ...fields }, json);
    const signUp = (fields: Record<string, string>) =>
      anon().post(
        "/api/auth/signup",
        { username: "okname", email: "ok@example.test", password: PASSWORD, ...fields },
        json,
      );
    const generate = (fields: Record<string, string>) =>
      m().post("/api/generation", { topic: "Tea", targetLength: "1200", next: "/en/write", ...fields }, json);
    const page = (path: string) => anon().get(path);
    const proxied = (forged: string) =>
      new Visitor(base, { "x-forwarded-for": `${forged}, 198.19.0.7` }).post("/api/auth/signup", {}, json);

    const catalogue: [string, () => Promise<Reply>, number | number[]][] = [
      ["comment: a null byte", () => comment({ article: at, locale: "en", body: "a\u0000b" }), 400],
      ["comment: a bell", () => comment({ article: at, locale: "en", body: "ding\u0007" }), 400],
      ["comment: an escape sequence", () => comment({ article: at, locale: "en", body: "\u001b[31mred" }), 400],
      ["comment: a C1 control", () => comment({ article: at, locale: "en", body: "next\u0085line" }), 400],
      ["comment: DEL", () => comment({ article: at, locale: "en", body: "del\u007f" }), 400],
      [
        "comment: a null byte in the article id",
        () => comment({ article: `${at}\u0000`, locale: "en", body: "hi" }),
        400,
      ],
      [
        "comment: a null byte in the parent id",
        () => comment({ article: at, locale: "en", body: "hi", parent: "\u0000" }),
        400,
      ],
      ["comment: a null byte in a field's name", () => comment({ "bo\u0000dy": "x", article: at, locale: "en" }), 400],
      ["comment: a 1 MB body", () => comment({ article: at, locale: "en", body: megabyte }), 400],
      [
        "comment: an unknown article",
        () => comment({ article: "zzzzzzzzzzzzzzzzzzzzzzzz", locale: "en", body: "hi" }),
        404,
      ],
      ["comment: a path for an article id", () => comment({ article: "../../admin", locale: "en", body: "hi" }), 400],
      [
        "comment: an operator for a body (JSON)",
        () =>
          m().request(
            "/api/comments",
            raw(JSON.stringify({ article: at, locale: "en", body: { $ne: 1 } }), "application/json"),
          ),
        400,
      ],
      ["comment: a JSON array", () => m().request("/api/comments", raw("[1,2,3]", "application/json")), 400],
      [
        "comment: JSON that does not parse",
        () => m().request("/api/comments", raw('{"body":', "application/json")),
        400,
      ],
      [
        "comment: a null byte inside JSON",
        () =>
          m().request(
            "/api/comments",
            raw(JSON.stringify({ article: at, locale: "en", body: "x\u0000" }), "application/json"),
          ),
        400,
      ],
      [
        "comment: invalid UTF-8",
        () =>
          m().request(
            "/api/comments",
            raw(new Uint8Array([0x62, 0x6f, 0x64, 0x79, 0x3d, 0xff, 0xfe]), "application/x-www-form-urlencoded"),
          ),
        400,
      ],
      [
        "comment: invalid UTF-8, percent-encoded",
        () =>
          m().request("/api/comments", raw(`article=${at}&locale=en&body=%C3%28`, "application/x-www-form-urlencoded")),
        400,
      ],
      [
        "comment: a broken percent escape",
        () =>
          m().request("/api/comments", raw(`article=${at}&locale=en&body=100%`, "application/x-www-form-urlencoded")),
        400,
      ],
      [
        "comment: an unreadable content type",
        () => m().request("/api/comments", raw("<comment/>", "application/xml")),
        400,
      ],
      [
        "comment: 3 MB, chunked",
        () =>
          m().request(
            "/api/comments",
            streamed(chunked(3_000_000, `article=${at}&locale=en&body=`), "application/x-www-form-urlencoded"),
          ),
        413,
      ],
      [
        "comment: 3 MB, announced",
        () => m().request("/api/comments", raw("x".repeat(3_000_000), "application/x-www-form-urlencoded")),
        413,
      ],
      [
        "comment: a multipart field with a null byte",
        () => m().request("/api/comments", multipart({ article: at, locale: "en", body: "x\u0000" })),
        400,
      ],
      ["comment edit: a null byte in the path", () => m().post("/api/comments/%00/edit", { body: "x" }, json), 400],
      ["comment edit: not a comment id", () => m().post("/api/comments/not-an-id/edit", { body: "x" }, json), 404],
      ["comment delete: a control character in the path", () => m().post("/api/comments/a%01b/delete", {}, json), 400],
      ["comment report: broken encoding in the path", () => m().post("/api/comments/%E0%A4%A/report", {}, json), 400],
      ["profile: a null byte in the name", () => profile({ displayName: "Cat\u0000" }), 400],
      ["profile: a null byte in the bio", () => profile({ bio: "I\u0000am" }), 400],
      ["profile: a 1 MB name", () => profile({ displayName: megabyte }), 400],
      ["profile: a 1 MB bio", () => profile({ bio: megabyte }), 400],
      ["profile: a script URL", () => profile({ "links.0.label": "x", "links.0.url": "javascript:alert(1)" }), 400],
      [
        "profile: a control character in a link label",
        () => profile({ "links.0.label": "x\u0008", "links.0.url": "https://a.example" }),
        400,
      ],
      [
        "reaction: an unknown kind",
        () => m().post("/api/reactions", { article: at, kind: "love", active: "true" }, json),
        400,
      ],
      [
        "reaction: a path for an article id",
        () => m().post("/api/reactions", { article: "../x", kind: "like", active: "true" }, json),
        400,
      ],
      [
        "reaction: active is not a boolean",
        () => m().post("/api/reactions", { article: at, kind: "like", active: "maybe" }, json),
        400,
      ],
      [
        "reaction: a wrong type (JSON)",
        () =>
          m().request(
            "/api/reactions",
            raw(JSON.stringify({ article: [at], kind: "like", active: true }), "application/json"),
          ),
        400,
      ],
      [
        "follow: an unknown target type",
        () => m().post("/api/follows", { targetType: "user", target: "x", active: "true" }, json),
        400,
      ],
      [
        "follow: a null byte in the target",
        () => m().post("/api/follows", { targetType: "tag", target: "x\u0000", active: "true" }, json),
        400,
      ],
      [
        "follow: an unknown tag",
        () => m().post("/api/follows", { targetType: "tag", target: "no-such-tag", active: "true" }, json),
        404,
      ],
      [
        "notifications: a null byte in an id",
        () => m().post("/api/notifications/read", { ids: ["\u0000"] }, json),
        400,
      ],
      ["notifications: neither ids nor all", () => m().post("/api/notifications/read", { all: "yes" }, json), 400],
      ["generation: a null byte in the topic", () => generate({ topic: "Tea\u0000" }), 400],
      ["generation: a control character in the URLs", () => generate({ urls: "https://a.example/\u0001" }), 400],
      ["generation: a length that is not a number", () => generate({ targetLength: "abc" }), 400],
      ["generation: a 1 MB idea", () => generate({ idea: megabyte }), 400],
      [
        "generation: a file with a null byte",
        () =>
          m().request(
            "/api/generation",
            multipart({ topic: "Tea", next: "/en/write" }, [{ name: "notes.md", content: "a\u0000b" }]),
          ),
        400,
      ],
      [
        "generation: a file that is not UTF-8",
        () =>
          m().request(
            "/api/generation",
            multipart({ topic: "Tea", next: "/en/write" }, [
              { name: "notes.md", content: new Uint8Array([0xff, 0xfe, 0x00]) },
            ]),
          ),
        400,
      ],
      [
        "generation: 3 MB, chunked",
        () =>
          m().request(
            "/api/generation",
            streamed(chunked(3_000_000, "topic=Tea&idea="), "application/x-www-form-urlencoded"),
          ),
        413,
      ],
      ["run cancel: a null byte in the run id", () => m().post("/api/runs/%00/cancel", {}, json), 400],
      ["run cancel: an unknown run", () => m().post("/api/runs/no-such-run/cancel", {}, json), 404],
      ["run retry: a null byte in the run id", () => m().post("/api/runs/%00/retry", {}, json), 400],
      ["run retry: an unknown run", () => m().post("/api/runs/no-such-run/retry", {}, json), 404],
      ["run retry: a run id that is not one", () => m().post("/api/runs/a%20b/retry", {}, json), 404],
      ["write from a run: an unknown run", () => m().get("/en/write?from=no-such-run"), 404],
      ["sign-up: an HTML username", () => signUp({ username: "<b>x</b>" }), 400],
      ["sign-up: a null byte in the username", () => signUp({ username: "abc\u0000" }), 400],
      ["sign-up: a 1 MB e-mail", () => signUp({ email: `${megabyte}@example.test` }), 400],
      [
        "sign-up: a wrong type (JSON)",
        () =>
          anon().request(
            "/api/auth/signup",
            raw(JSON.stringify({ username: 12345, email: ["a"], password: true }), "application/json"),
          ),
        400,
      ],
      [
        "sign-in: a null byte in the name",
        () => anon().post("/api/auth/signin", { identifier: "cata\u0000logue", password: PASSWORD }, json),
        400,
      ],
      [
        "sign-in: a null byte in the password",
        () => anon().post("/api/auth/signin", { identifier: "catalogue", password: "\u0000" }, json),
        400,
      ],
      [
        "sign-in: a 1 MB name",
        () => anon().post("/api/auth/signin", { identifier: megabyte, password: "wrong-password" }, json),
        401,
      ],
      [
        "sign-in: an operator for a name (JSON)",
        () =>
          anon().request(
            "/api/auth/signin",
            raw(JSON.stringify({ identifier: { $ne: "" }, password: "x" }), "application/json"),
          ),
        400,
      ],
      [
        "sign-out: 3 MB, chunked",
        () =>
          anon().request(
            "/api/auth/signout",
            streamed(chunked(3_000_000, "next="), "application/x-www-form-urlencoded"),
          ),
        413,
      ],
      ["webhook: unsigned", () => anon().request("/api/revalidate", raw("{}", "application/json")), 401],
      [
        "webhook: 3 MB, chunked",
        () => anon().request("/api/revalidate", streamed(chunked(3_000_000), "application/json")),
        413,
      ],
      [
        "webhook: a null byte in a signed event",
        () =>
          anon().request("/api/revalidate", {
            method: "POST",
            ...signedEvent(String(env.COMMUNITY_WEBHOOK_SECRET), {
              model: "article",
              event: "update",
              documentId: "a\u0000",
              locale: "en",
            }),
          }),
        400,
      ],
      ["search: a null byte", () => page("/en/search?q=%00"), 400],
      ["search: a bell in the query", () => page("/en/search?q=a%07b"), 400],
      ["search: a null byte in a filter", () => page("/en/search?author=%00"), 400],
      ["search: a CMS-style filter", () => page("/en/search?filters[id][$eq]=abc"), 400],
      ["search: an operator on the author", () => page("/en/search?author[$ne]=x"), 400],
      ["search: an array-style tag", () => page("/en/search?tags[]=x"), 400],
      ["search: an unknown sort", () => page("/en/search?sort=sideways"), 400],
      ["search: a sort given twice", () => page("/en/search?sort=newest&sort=relevance"), 400],
      ["search: a page that is not a number", () => page("/en/search?page=abc"), 400],
      ["search: a negative page", () => page("/en/search?page=-1"), 400],
      ["search: a date that is not a date", () => page("/en/search?from=yesterday"), 400],
      ["search: an unknown language", () => page("/en/search?language=fr"), 400],
      ["search: invalid UTF-8", () => page("/en/search?q=%FF"), 400],
      ["search: a broken percent escape", () => page("/en/search?q=%"), 400],
      ["search: a 1 MB query", () => page(`/en/search?q=${"x".repeat(1_000_000)}`), [400, 414, 431]],
      ["article: a null byte in the slug", () => page("/en/a/%00"), 400],
      ["article: broken encoding in the slug", () => page("/en/a/%E0%A4%A"), 400],
      ["tag: a line feed in the slug", () => page("/en/tags/a%0Ab"), 400],
      ["author: a control character in the handle", () => page("/en/authors/%01"), 400],
      ["home: a null byte in the page number", () => page("/en/?page=%00"), 400],
      ["home: a control character in an ignored parameter", () => page("/en/?utm_source=%1B"), 400],
      ["run page: a null byte in the run id", () => page("/en/runs/%00"), 400],
      [
        "settings: a session cookie that is not ours",
        () => anon().setCookie("inkstone_session", "not-a-session").get("/en/settings"),
        303,
      ],
      [
        "settings: a sealed cookie from before server-side sessions",
        () => anon().setCookie("inkstone_session", "A".repeat(200)).get("/en/settings"),
        303,
      ],
      [
        "settings: an id-shaped cookie the store never issued",
        () => anon().setCookie("inkstone_session", "a".repeat(43)).get("/en/settings"),
        303,
      ],
      ["forged X-Forwarded-For: not an address", () => proxied("not-an-address"), 400],
      ["forged X-Forwarded-For: a very long chain", () => proxied(Array(500).fill("10.0.0.1").join(", ")), 400],
    ];
    // …and ten sign-ups from one client, each with another forged address to the left of the proxy's: one bucket.
    for (let i = 1; i <= 8; i++)
      catalogue.push([`forged X-Forwarded-For: 203.0.113.${i}`, () => proxied(`203.0.113.${i}`), 400]);
    catalogue.push([
      "forged X-Forwarded-For: the eleventh sign-up from one client",
      () => proxied("203.0.113.99"),
      429,
    ]);

    expect(catalogue.length).toBeGreaterThanOrEqual(50);
    const before = await fingerprint();
    const answers: [string, number, string][] = [];
    for (const [name, send] of catalogue) {
      const reply = await send();
      answers.push([name, reply.status, reply.text.slice(0, 160)]);
    }
    expect(answers.filter(([, status]) => status >= 500)).toEqual([]);
    for (const [i, [name, , expected]] of catalogue.entries()) {
      const [, status, text] = answers[i] ?? [];
      expect([expected].flat(), `${name}: ${status} ${text}`).toContain(status);
    }
    expect(await fingerprint()).toEqual(before);
    expect((await runs.listQueue({ maxAgeMs: 0 })).filter((run) => run.creatorId === member.userId)).toEqual([]);
  });

  it("refuses with a message a person can act on, in the page's language", async () => {
    const page = await visitor().get("/zh-CN/tags/a%00b");
    expect(page.status).toBe(400);
    expect(page.text).toContain('<html lang="zh-CN"');
    expect(page.text).toContain("控制字符");
    const field = await member.visitor.submit("/api/comments", {
      article: article.documentId,
      locale: "en",
      body: "hello\u0000",
      next: `/en/a/${article.slug}`,
    });
    expect(field.status).toBe(200);
    expect(field.text).toContain("contains an invisible control character (U+0000");
    const script = await member.visitor.post("/api/comments", { body: "x\u0000", next: "/en/" }, json);
    expect(JSON.parse(script.text)).toMatchObject({
      error: { code: "invalid_input", fields: { body: expect.any(String) } },
    });
  });
});

type Actor = "anonymous" | "other member" | "blocked member" | "member";
/** In this order: the owner acts last, so refused cells run while there is still something to refuse. */
const ACTORS: Actor[] = ["anonymous", "other member", "blocked member", "member"];

// The editor column of the matrix: the community knows no editor role (editors work in the CMS's admin, which
// the CMS's own tests cover); cancelling as an editor goes through the workflows client's `isEditor`, unused here.
describe("the authorization matrix", () => {
  let alice: Member;
  let bob: Member;
  let mallory: Member;
  /** Mallory's cookie from before she was blocked; each cell sends a fresh copy. */
  let malloryCookie: Visitor;
  let article: Published;
  let tag: string;
  const comments: Record<"edit" | "delete" | "report", string> = { edit: "", delete: "", report: "" };
  let run: string;
  /** Alice's generated draft, for the studio's rows. */
  let studioDraft: string;

  const as = (actor: Actor): Visitor =>
    actor === "anonymous"
      ? visitor()
      : actor === "member"
        ? alice.visitor
        : actor === "other member"
          ? bob.visitor
          : malloryCookie.copy({ "x-forwarded-for": nextTestAddress() });

  beforeAll(async () => {
    [alice, bob, mallory] = [await join("alice-m"), await join("bob-m"), await join("mallory-m")];
    article = await publishArticle(api, alice.userId, "tb-matrix", { title: "Who may do what" });
    tag = (await rows("SELECT slug FROM tags ORDER BY id LIMIT 1"))[0].slug;
    comments.edit = await comment(alice, article, "Alice's comment to edit");
    comments.delete = await comment(alice, article, "Alice's comment to delete");
    comments.report = await comment(alice, article, "Alice's comment to report");
    await comment(mallory, article, "Mallory was here");
    await comment(bob, article, "Bob says hello");
    const bookmarked = await alice.visitor.post(
      "/api/reactions",
      { article: article.documentId, kind: "bookmark", active: "true" },
      json,
    );
    expect(bookmarked.status).toBe(200);
    run = await startRun(alice.visitor, "Alice's slow run");
    const saved = await api.saveDraft("tb-studio", draft(alice.userId, "tb-studio", { title: "Alice's studio draft" }));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    studioDraft = saved.body.data.documentId;
    malloryCookie = mallory.visitor.copy();
    await block(mallory);
  });

  afterAll(async () => {
    // Nothing the matrix started keeps the one slot.
    for (const member of [alice, bob, mallory]) if (member) await runs.cancelRunsOf(member.userId);
  });

  const signInPage = (path: string) => (reply: Reply) => {
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/en/signin?next=${encodeURIComponent(path)}`);
  };
  const ok =
    (check: (html: string) => void = () => {}) =>
    (reply: Reply) => {
      expect(reply.status).toBe(200);
      expect(reply.headers.get("cache-control")).toBe("private, no-store");
      check(reply.text);
    };
  const cancelForm = () => `action="/api/runs/${encodeURIComponent(run)}/cancel"`;
  const editor = () => `/en/studio/articles/en/${studioDraft}`;
  const notFound = (reply: Reply) => {
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain("Alice&#39;s studio draft");
  };

  const pages: [string, () => string, Record<Actor, (reply: Reply) => void>][] = [
    [
      "settings",
      () => "/en/settings",
      {
        anonymous: signInPage("/en/settings"),
        "other member": ok((html) => {
          expect(html).toContain(`@${bob.handle}`);
          expect(html).not.toContain(`@${alice.handle}`);
        }),
        "blocked member": signInPage("/en/settings"),
        member: ok((html) => {
          expect(html).toContain(`@${alice.handle}`);
          expect(html).toContain('data-testid="sessions"');
        }),
      },
    ],
    [
      "bookmarks",
      () => "/en/bookmarks",
      {
        anonymous: signInPage("/en/bookmarks"),
        "other member": ok((html) => expect(html).not.toContain(`/en/a/${article.slug}`)),
        "blocked member": signInPage("/en/bookmarks"),
        member: ok((html) => expect(html).toContain(`/en/a/${article.slug}`)),
      },
    ],
    [
      "notifications",
      () => "/en/notifications",
      {
        anonymous: signInPage("/en/notifications"),
        "other member": ok((html) => expect(html).not.toContain("Who may do what")),
        "blocked member": signInPage("/en/notifications"),
        member: ok((html) => expect(html).toContain("Who may do what")),
      },
    ],
    ...(["following", "write"] as const).map(
      (name) =>
        [
          name,
          () => `/en/${name}`,
          {
            anonymous: signInPage(`/en/${name}`),
            "other member": ok(),
            "blocked member": signInPage(`/en/${name}`),
            member: ok(),
          },
        ] as [string, () => string, Record<Actor, (reply: Reply) => void>],
    ),
    [
      "queue",
      () => "/en/queue",
      {
        anonymous: ok((html) => expect(html).toContain("Alice&#39;s slow run")),
        "other member": ok((html) => expect(html).toContain("Alice&#39;s slow run")),
        "blocked member": ok(),
        member: ok(),
      },
    ],
    [
      "write, filled in from a run",
      () => `/en/write?from=${encodeURIComponent(run)}`,
      {
        // The run's id is known only once the suite has started it.
        anonymous: (reply: Reply) => signInPage(`/en/write?from=${encodeURIComponent(run)}`)(reply),
        // Another member's run: its inputs are its creator's.
        "other member": (reply: Reply) => {
          expect(reply.status).toBe(404);
          expect(reply.headers.get("cache-control")).toBe("private, no-store");
          expect(reply.text).not.toContain("s slow run");
        },
        "blocked member": (reply: Reply) => signInPage(`/en/write?from=${encodeURIComponent(run)}`)(reply),
        member: ok((html) => expect(html).toMatch(/value="Alice(&#39;|')s slow run"/)),
      },
    ],
    [
      "a run",
      () => `/en/runs/${encodeURIComponent(run)}`,
      {
        anonymous: ok((html) => expect(html).not.toContain(cancelForm())),
        "other member": ok((html) => expect(html).not.toContain(cancelForm())),
        "blocked member": ok((html) => expect(html).not.toContain(cancelForm())),
        member: ok((html) => expect(html).toContain(cancelForm())),
      },
    ],
  ];

  // The studio (issue 13): only the author sees their drafts; the signed preview is for whoever holds the link.
  pages.push(
    [
      "studio",
      () => "/en/studio",
      {
        anonymous: signInPage("/en/studio"),
        "other member": ok((html) => expect(html).not.toContain("Alice&#39;s studio draft")),
        "blocked member": signInPage("/en/studio"),
        member: ok((html) => expect(html).toContain("Alice&#39;s studio draft")),
      },
    ],
    [
      "draft editor (the member's draft)",
      editor,
      {
        anonymous: (reply) => signInPage(editor())(reply),
        "other member": notFound,
        "blocked member": (reply) => signInPage(editor())(reply),
        member: ok((html) => expect(html).toContain('name="body"')),
      },
    ],
    [
      "signed preview (of the member's draft)",
      () => previewPath(String(env.COMMUNITY_WEBHOOK_SECRET), { documentId: studioDraft, locale: "en" }),
      {
        anonymous: ok((html) => expect(html).toContain("Alice&#39;s studio draft")),
        "other member": ok((html) => expect(html).toContain("Alice&#39;s studio draft")),
        "blocked member": ok(),
        member: ok(),
      },
    ],
  );

  describe.each(pages)("GET the %s page", (_name, path, expected) => {
    it.each(ACTORS)("as %s", async (actor) => {
      const v = as(actor);
      expect(expected[actor]).toBeDefined();
      expected[actor](await v.get(path()));
      // A blocked member's copied cookie is dropped on its first request.
      if (actor === "blocked member") expect(signedOut(v)).toBe(true);
    });
  });

  type Endpoint = {
    send: (v: Visitor, actor: Actor) => Promise<Reply>;
    /** What the cell must change, or leave as it was. */
    state: () => Promise<unknown>;
    status: Record<Actor, number | number[]>;
    /** Actors whose cell changes `state`; for every other actor it must stay as it was. */
    writes: Actor[];
    /** Run before the cell, outside what it asserts. */
    setup?: (actor: Actor) => Promise<unknown>;
  };
  const one = async (sql: string, params: unknown[]) => (await rows(sql, params))[0] ?? null;
  const post = (path: () => string, fields: (actor: Actor) => Record<string, string>) => (v: Visitor, actor: Actor) =>
    v.post(path(), fields(actor), json);
  const members: Record<Actor, number> = {
    anonymous: 401,
    "other member": 200,
    "blocked member": 401,
    member: 200,
  };
  const ownersOnly: Record<Actor, number | number[]> = { ...members, "other member": 403 };

  const endpoints: [string, Endpoint][] = [
    [
      "POST /api/comments",
      {
        send: post(
          () => "/api/comments",
          (actor) => ({ article: article.documentId, locale: "en", body: `Matrix comment by ${actor}` }),
        ),
        state: () => rows("SELECT body FROM comments WHERE body LIKE 'Matrix comment by %' ORDER BY body"),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      "POST /api/comments/:id/edit (the member's comment)",
      {
        send: post(
          () => `/api/comments/${comments.edit}/edit`,
          (actor) => ({ body: `Edited by ${actor}` }),
        ),
        state: () => one("SELECT body, edited FROM comments WHERE document_id = $1", [comments.edit]),
        status: ownersOnly,
        writes: ["member"],
      },
    ],
    [
      "POST /api/comments/:id/delete (the member's comment)",
      {
        send: post(
          () => `/api/comments/${comments.delete}/delete`,
          () => ({}),
        ),
        state: () => one("SELECT body, visibility FROM comments WHERE document_id = $1", [comments.delete]),
        status: ownersOnly,
        writes: ["member"],
      },
    ],
    [
      "POST /api/comments/:id/report",
      {
        send: post(
          () => `/api/comments/${comments.report}/report`,
          () => ({}),
        ),
        state: () => one("SELECT reports_count FROM comments WHERE document_id = $1", [comments.report]),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      "POST /api/reactions",
      {
        send: post(
          () => "/api/reactions",
          () => ({ article: article.documentId, kind: "like", active: "true" }),
        ),
        state: () =>
          rows("SELECT key FROM reactions WHERE article_document_id = $1 AND kind = 'like' ORDER BY key", [
            article.documentId,
          ]),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      "POST /api/follows",
      {
        send: post(
          () => "/api/follows",
          () => ({ targetType: "tag", target: tag, active: "true" }),
        ),
        state: () => rows("SELECT key FROM follows WHERE target_type = 'tag' ORDER BY key"),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      "POST /api/notifications/read (the member's unread notifications)",
      {
        send: post(
          () => "/api/notifications/read",
          () => ({ all: "true" }),
        ),
        state: () => rows("SELECT id, read FROM notifications ORDER BY id"),
        status: members,
        writes: ["member"],
      },
    ],
    [
      "POST /api/profile (the member's and the blocked member's profiles)",
      {
        send: post(
          () => "/api/profile",
          (actor) => ({ displayName: `Renamed by ${actor}`, bio: `Written by ${actor}` }),
        ),
        state: () =>
          rows("SELECT handle, display_name, bio FROM profiles WHERE handle IN ($1, $2) ORDER BY handle", [
            alice.handle,
            mallory.handle,
          ]),
        status: members,
        writes: ["member"],
      },
    ],
    [
      "POST /api/generation",
      {
        send: post(
          () => "/api/generation",
          (actor) => ({ topic: `Matrix run by ${actor}`, urls: slowUrl, targetLength: "1200" }),
        ),
        state: async () =>
          (await runs.listQueue({ maxAgeMs: 0 }))
            .flatMap((entry) => (entry.kind === "run" && entry.topic.startsWith("Matrix run by") ? [entry.topic] : []))
            .sort(),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      // Alice's run is still going: even she may not start it twice.
      "POST /api/runs/:runId/retry (the member's run)",
      {
        send: post(
          () => `/api/runs/${encodeURIComponent(run)}/retry`,
          () => ({}),
        ),
        state: () => runStatus(run),
        status: { ...ownersOnly, member: 409 },
        writes: [],
      },
    ],
    [
      "POST /api/runs/:runId/cancel (the member's run)",
      {
        send: post(
          () => `/api/runs/${encodeURIComponent(run)}/cancel`,
          () => ({}),
        ),
        state: () => runStatus(run),
        status: ownersOnly,
        writes: ["member"],
      },
    ],
    [
      "POST /api/account/mail-preferences",
      {
        send: post(
          () => "/api/account/mail-preferences",
          (actor) => ({ follows: actor === "member" ? "never" : "immediate", next: "/en/settings" }),
        ),
        state: () =>
          rows("SELECT user_id, follows FROM mail_settings WHERE user_id IN ($1, $2, $3) ORDER BY user_id, follows", [
            alice.userId,
            bob.userId,
            mallory.userId,
          ]),
        status: members,
        writes: ["other member", "member"],
      },
    ],
    [
      "POST /api/account/delete (a wrong password)",
      {
        send: post(
          () => "/api/account/delete",
          () => ({ password: "not-the-password", comments: "keep", next: "/en/settings" }),
        ),
        state: () =>
          rows("SELECT document_id FROM up_users WHERE document_id IN ($1, $2, $3) ORDER BY document_id", [
            alice.userId,
            bob.userId,
            mallory.userId,
          ]),
        status: { anonymous: 401, "other member": 400, "blocked member": 401, member: 400 },
        writes: [],
      },
    ],
    [
      "POST /api/auth/signout-everywhere (all but this session)",
      {
        send: post(
          () => "/api/auth/signout-everywhere",
          () => ({ scope: "others" }),
        ),
        state: () => rows("SELECT count(*)::int AS n FROM member_sessions WHERE user_id = $1", [alice.userId]),
        status: members,
        writes: ["member"],
        // Alice signs in elsewhere first, so the member's cell has another session to end.
        setup: (actor) => (actor === "member" ? signIn(alice) : Promise.resolve()),
      },
    ],
    [
      "POST the draft editor (save the member's draft)",
      {
        send: async (v, actor) => {
          // The member sends the version they read; anyone else a made-up one (the page refuses before reading it).
          const version =
            actor === "member"
              ? ((await v.get(editor())).text.match(/name="version" value="([^"]+)"/)?.[1] ?? "")
              : new Date().toISOString();
          return v.post(
            editor(),
            { intent: "save", version, title: `Saved by ${actor}`, body: `Written by ${actor}.` },
            json,
          );
        },
        state: () =>
          one("SELECT title, body FROM articles WHERE document_id = $1 AND published_at IS NULL", [studioDraft]),
        status: { anonymous: 401, "other member": 404, "blocked member": 401, member: 200 },
        writes: ["member"],
      },
    ],
    [
      "POST /api/studio/articles/:locale/:documentId/submit (the member's draft)",
      {
        send: post(
          () => `/api/studio/articles/en/${studioDraft}/submit`,
          () => ({}),
        ),
        state: () =>
          one("SELECT review_state FROM articles WHERE document_id = $1 AND published_at IS NULL", [studioDraft]),
        status: { anonymous: 401, "other member": 404, "blocked member": 401, member: 200 },
        writes: ["member"],
      },
    ],
    [
      "POST /api/studio/articles/:locale/:documentId/withdraw (the member's submission)",
      {
        send: post(
          () => `/api/studio/articles/en/${studioDraft}/withdraw`,
          () => ({}),
        ),
        state: () =>
          one("SELECT review_state FROM articles WHERE document_id = $1 AND published_at IS NULL", [studioDraft]),
        status: { anonymous: 401, "other member": 404, "blocked member": 401, member: 200 },
        writes: ["member"],
      },
    ],
    [
      "POST /api/studio/preview (the editor's live preview)",
      {
        send: post(
          () => "/api/studio/preview",
          () => ({ body: "Cited [1].", sources: "1", locale: "en" }),
        ),
        state: () => one("SELECT count(*)::int AS n FROM articles", []),
        status: members,
        writes: [],
      },
    ],
    [
      "POST /api/revalidate (not signed)",
      {
        send: (v) =>
          v.request("/api/revalidate", {
            method: "POST",
            body: JSON.stringify({ model: "member", event: "block", userId: alice.userId }),
            headers: { "content-type": "application/json" },
          }),
        state: async () => ({
          sessions: await rows("SELECT user_id FROM member_sessions ORDER BY id"),
          run: await runStatus(run),
        }),
        status: { anonymous: 401, "other member": 401, "blocked member": 401, member: 401 },
        writes: [],
      },
    ],
    [
      "POST /api/auth/signout (the member's session)",
      {
        send: post(
          () => "/api/auth/signout",
          () => ({}),
        ),
        state: () => rows("SELECT count(*)::int AS n FROM member_sessions WHERE user_id = $1", [alice.userId]),
        status: { anonymous: 200, "other member": 200, "blocked member": 200, member: 200 },
        writes: ["member"],
      },
    ],
  ];

  describe.each(endpoints)("%s", (_name, endpoint) => {
    it.each(ACTORS)("as %s", async (actor) => {
      await endpoint.setup?.(actor);
      const before = await endpoint.state();
      const reply = await endpoint.send(as(actor), actor);
      expect([endpoint.status[actor]].flat(), reply.text).toContain(reply.status);
      if (reply.status >= 400) expect(JSON.parse(reply.text).error).toMatchObject({ message: expect.any(String) });
      const after = await stateAfter(endpoint, before, endpoint.writes.includes(actor));
      if (endpoint.writes.includes(actor)) expect(after).not.toEqual(before);
      else expect(after).toEqual(before);
    });
  });

  /** The state after a cell: a write may land a moment later (a cancelled run), so a change is waited for briefly. */
  async function stateAfter(endpoint: Endpoint, before: unknown, changes: boolean): Promise<unknown> {
    if (!changes) return endpoint.state();
    await expect.poll(() => endpoint.state(), { timeout: 10_000 }).not.toEqual(before);
    return endpoint.state();
  }
});

describe("sessions end when they should", () => {
  it("sign-out ends a copied cookie on its next request", async () => {
    const carol = await join("carol-s");
    const copied = carol.visitor.cookie("inkstone_session") ?? "";
    const copy = () => visitor().setCookie("inkstone_session", copied);
    expect((await copy().get("/en/settings")).status).toBe(200);
    expect((await carol.visitor.post("/api/auth/signout", { next: "/en/" })).status).toBe(303);
    expect(signedOut(carol.visitor)).toBe(true);
    const thief = copy();
    const page = await thief.get("/en/settings");
    expect(page.status).toBe(303);
    expect(signedOut(thief)).toBe(true);
    // The reason travels to the sign-in page.
    expect((await thief.get(page.location ?? "")).text).toContain("Your session has ended");
    const posted = await copy().post("/api/comments", { body: "still here?" }, json);
    expect(posted.status).toBe(401);
    expect(await rows("SELECT 1 FROM member_sessions WHERE user_id = $1", [carol.userId])).toEqual([]);
  });

  it("sign-out-everywhere ends the other sessions, then every one, copies included", async () => {
    const dave = await join("dave-s");
    const laptop = await signIn(dave);
    const copy = laptop.copy({ "x-forwarded-for": nextTestAddress() });
    const settings = await dave.visitor.get("/en/settings");
    expect(settings.text).toContain("Sign out all other sessions");
    expect((settings.text.match(/<li data-current=|<li>/g) ?? []).length).toBeGreaterThanOrEqual(2);

    const others = await dave.visitor.post("/api/auth/signout-everywhere", { scope: "others", next: "/en/settings" });
    expect(others.status).toBe(303);
    expect((await dave.visitor.get("/en/settings")).text).toContain("Signed out on 1 other device.");
    for (const v of [laptop, copy]) expect((await v.get("/en/settings")).status).toBe(303);

    const again = await signIn(dave);
    const all = await dave.visitor.post("/api/auth/signout-everywhere", { scope: "all", next: "/en/settings" }, json);
    expect(JSON.parse(all.text)).toEqual({ data: { ended: 2 } });
    for (const v of [dave.visitor, again]) expect((await v.get("/en/settings")).status).toBe(303);
    expect(await rows("SELECT 1 FROM member_sessions WHERE user_id = $1", [dave.userId])).toEqual([]);
  });

  it("blocking ends a copied cookie, refuses new runs, cancels the queued one, and says so at sign-in", async () => {
    const erin = await join("erin-s");
    const frank = await join("frank-s");
    // Frank's run holds the one slot, reading a source that takes almost two minutes.
    const busy = await startRun(frank.visitor, "Frank holds the slot");
    await expect.poll(() => runStatus(busy), { timeout: 30_000 }).toBe("active");
    const queued = await startRun(erin.visitor, "Erin's queued run");
    expect(await runStatus(queued)).toBe("queued");
    const copy = erin.visitor.copy({ "x-forwarded-for": nextTestAddress() });

    await block(erin);
    await expect.poll(() => runStatus(queued), { timeout: 20_000 }).toBe("cancelled");
    expect(await runStatus(busy)).toBe("active");

    for (const v of [erin.visitor, copy]) {
      const page = await v.copy().get("/en/settings");
      expect(page.status).toBe(303);
      const run = await v.copy().post("/api/generation", { topic: "One more", targetLength: "1200" }, json);
      expect(run.status).toBe(401);
      const posted = await v.copy().post("/api/comments", { body: "hi" }, json);
      expect(posted.status).toBe(401);
    }
    const signInAgain = await visitor().post(
      "/api/auth/signin",
      { identifier: "erin-s", password: PASSWORD, next: "/en/" },
      json,
    );
    expect(signInAgain.status).toBe(403);
    expect(JSON.parse(signInAgain.text).error).toEqual({
      code: "account_blocked",
      message: "This account is blocked.",
    });
    const zh = await visitor().submit("/api/auth/signin", {
      identifier: "erin-s",
      password: PASSWORD,
      next: "/zh-CN/",
    });
    expect(zh.text).toContain("此账户已被封禁。");
    // Erin's run never reaches the CMS: no draft of hers.
    expect(await rows("SELECT 1 FROM articles WHERE title = $1", ["Erin's queued run"])).toEqual([]);
    await runs.cancelRunsOf(frank.userId);
  });
});

describe("the CMS's webhook", () => {
  it("acts on a delivery once: a replay, under its own id or a new one, answers 409 and changes nothing", async () => {
    const writer = await join("webhook-w");
    const article = await publishArticle(api, writer.userId, "tb-webhook", { title: "Replays change nothing" });
    const path = `/en/a/${article.slug}`;
    const reader = visitor();
    const event = { model: "article", event: "update", documentId: article.documentId, locale: "en" };
    const signed = signedEvent(String(env.COMMUNITY_WEBHOOK_SECRET), event);

    await reader.get(path);
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");
    const first = await deliver(signed);
    expect(first.status).toBe(200);
    expect((await first.json()).data.invalidated).toBeGreaterThanOrEqual(1);
    expect((await reader.get(path)).headers.get("x-cache")).toBe("MISS");
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");

    const replay = await deliver(signed);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe("replayed");
    const renamed = await deliver({ ...signed, headers: { ...signed.headers, "x-inkstone-delivery": randomUUID() } });
    expect(renamed.status).toBe(409);
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");

    const withoutId = signedEvent(String(env.COMMUNITY_WEBHOOK_SECRET), event).headers;
    delete withoutId["x-inkstone-delivery"];
    expect((await deliver({ body: signed.body, headers: withoutId })).status).toBe(400);
  });

  it("cancels a blocked member's runs and says how many", async () => {
    const answer = await deliver(
      signedEvent(String(env.COMMUNITY_WEBHOOK_SECRET), {
        model: "member",
        event: "block",
        userId: "nobodynobodynobody01",
      }),
    );
    expect(answer.status).toBe(200);
    expect((await answer.json()).data).toMatchObject({ cancelled: 0, tags: [] });
  });
});
