// The creator studio's CMS routes against the real CMS and PostgreSQL: a member lists, reads, edits, submits and
// withdraws their own drafts; nobody else sees them (404, as a draft that does not exist); every bad input is a 400
// that writes nothing; two saves of one version cannot both win; and the community's token reads a draft for a
// preview link, in the shape of the public article.
import type { StudioArticle } from "@inkstone/config";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi } from "./cms-api.ts";
import { edited, generatedDraft, ok, studioOf, unique } from "./studio-support.ts";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
let studio: ReturnType<typeof studioOf>;
type Member = Awaited<ReturnType<CmsApi["signUp"]>>;
let creator: Member;
let other: Member;
let blocked: Member;

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  studio = studioOf(api);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  creator = await api.signUp(unique("creator"));
  other = await api.signUp(unique("other"));
  blocked = await api.signUp(unique("blocked"));
  ok(await api.setBlocked(blocked.user.documentId, true));
});
afterAll(async () => {
  await db?.end();
});

const draftOf = (overrides: Record<string, unknown> = {}) => generatedDraft(api, creator.user.documentId, overrides);
/** Everything the studio's writes could change on a document's rows, to compare before and after a refusal. */
const rowsOf = async (documentId: string) =>
  (
    await db.query(
      `SELECT a.id, a.locale, a.title, a.summary, a.body, a.review_state, a.review_note, a.submitted_at, a.updated_at,
         a.published_at, (SELECT count(*)::int FROM articles_cmps c WHERE c.entity_id = a.id) AS components
       FROM articles a WHERE a.document_id = $1 ORDER BY a.id`,
      [documentId],
    )
  ).rows;

describe("a creator's articles", () => {
  it("lists each of the creator's documents and locales once, from its draft, last saved first", async () => {
    const member = await api.signUp(unique("lister"));
    const first = await generatedDraft(api, member.user.documentId, { title: "First draft" });
    const second = await generatedDraft(api, member.user.documentId, { title: "第二篇草稿", locale: "zh-CN" });
    const third = await generatedDraft(api, member.user.documentId, { title: "Third draft" });
    // Someone else's draft is never listed.
    await draftOf({ title: "Not the lister's" });
    ok(await api.publish(third.documentId, "en"));
    // Saved last: first goes to the top.
    const read = await studio.read(member.jwt, first.documentId);
    ok(await studio.save(member.jwt, first.documentId, edited(read.body.data, { title: "First draft, edited" })));

    const listed = await studio.list(member.jwt);
    ok(listed);
    expect(listed.body.meta.pagination).toEqual({ page: 1, pageSize: 20, total: 3, pageCount: 1 });
    expect(listed.body.data.map((a: { title: string }) => a.title)).toEqual([
      "First draft, edited",
      "Third draft",
      "第二篇草稿",
    ]);
    const [top, published, chinese] = listed.body.data;
    expect(top).toEqual({
      documentId: first.documentId,
      locale: "en",
      title: "First draft, edited",
      slug: expect.any(String),
      reviewState: "draft",
      reviewNote: "",
      submittedAt: null,
      publishedAt: null,
      runId: first.runId,
      updatedAt: expect.any(String),
    });
    expect(published).toMatchObject({ documentId: third.documentId, reviewState: "published" });
    expect(Date.parse(published.publishedAt)).not.toBeNaN();
    expect(chinese).toMatchObject({ documentId: second.documentId, locale: "zh-CN", publishedAt: null });

    const paged = await studio.list(member.jwt, "page=2&pageSize=2");
    ok(paged);
    expect(paged.body.meta.pagination).toEqual({ page: 2, pageSize: 2, total: 3, pageCount: 2 });
    expect(paged.body.data.map((a: { documentId: string }) => a.documentId)).toEqual([second.documentId]);
    // A member with nothing yet has an empty studio.
    expect((await studio.list(other.jwt)).body).toEqual({
      data: [],
      meta: { pagination: { page: 1, pageSize: 20, total: 0, pageCount: 0 } },
    });
  });

  it("reads a draft whole: body, sources, tag names, run, and the version to send back", async () => {
    const { documentId, runId } = await draftOf({ tags: ["citations", "research"] });
    const read = await studio.read(creator.jwt, documentId);
    ok(read);
    const row = (await db.query("SELECT updated_at FROM articles WHERE document_id = $1", [documentId])).rows[0];
    expect(read.body.data).toEqual({
      documentId,
      locale: "en",
      title: `Writing with sources ${runId}`,
      summary: "How citations keep AI drafts honest.",
      body: "## Why sources matter\n\nEvery claim cites what was read [1].\n",
      sources: [{ title: "A source", url: "https://example.org/a", excerpt: "An excerpt." }],
      tags: expect.arrayContaining(["citations", "research"]),
      reviewState: "draft",
      reviewNote: "",
      submittedAt: null,
      publishedAt: null,
      version: new Date(row.updated_at).toISOString(),
      runId,
      slug: expect.stringMatching(/^writing-with-sources/),
    });
  });
});

describe("editing", () => {
  it("saves a new draft version, keeping citations, recomputing the reading time, never touching the published version", async () => {
    const { documentId } = await draftOf();
    ok(await api.publish(documentId, "en"));
    // Published articles are not the creator's to edit; a fresh one is.
    const { documentId: fresh } = await draftOf();
    const read = await studio.read(creator.jwt, fresh);
    const body = `## Why sources matter\n\n${"Every claim cites what was read, and says so plainly [1]. ".repeat(80)}\n\nA second source agrees [2].`;
    const sources = [...read.body.data.sources, { title: "Second", url: "https://example.org/b", excerpt: "" }];
    const saved = await studio.save(creator.jwt, fresh, edited(read.body.data, { body, sources, summary: "" }));
    ok(saved);
    expect(saved.body.data).toMatchObject({ body: body.trim(), summary: "", reviewState: "draft" });
    expect(saved.body.data.sources).toHaveLength(2);
    expect(saved.body.data.version).not.toBe(read.body.data.version);
    const [row] = (
      await db.query("SELECT reading_time FROM articles WHERE document_id = $1 AND published_at IS NULL", [fresh])
    ).rows;
    expect(row.reading_time).toBeGreaterThan(1);

    // The published article's draft is out of reach, and its published version unchanged.
    const before = await rowsOf(documentId);
    const published = await studio.read(creator.jwt, documentId);
    const refused = await studio.save(creator.jwt, documentId, edited(published.body.data, { title: "Sneaky" }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("not_editable");
    expect(refused.body.error.message).toMatch(/published/);
    expect(await rowsOf(documentId)).toEqual(before);
  });

  it("answers 409 stale_version to a save from an old version, and lets one of two saves of a version win", async () => {
    const { documentId } = await draftOf();
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    ok(await studio.save(creator.jwt, documentId, edited(read, { title: "Saved in one tab" })));
    const stale = await studio.save(creator.jwt, documentId, edited(read, { title: "Saved in another" }));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: "stale_version",
      details: { code: "stale_version" },
      message: "The draft changed since you opened it. Reload it and apply your edit again.",
    });
    expect((await studio.read(creator.jwt, documentId)).body.data.title).toBe("Saved in one tab");

    const current = (await studio.read(creator.jwt, documentId)).body.data;
    const racing = await Promise.all(
      [1, 2, 3, 4].map((n) => studio.save(creator.jwt, documentId, edited(current, { title: `Racer ${n}` }))),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = racing.find((r) => r.status === 200)?.body.data.title;
    expect((await studio.read(creator.jwt, documentId)).body.data.title).toBe(winner);
  });

  it("submits and withdraws: draft → submitted → draft, each refused from the wrong state with a reason", async () => {
    const { documentId } = await draftOf();
    const submitted = await studio.submit(creator.jwt, documentId);
    ok(submitted);
    expect(submitted.body.data.reviewState).toBe("submitted");
    expect(Date.now() - Date.parse(submitted.body.data.submittedAt)).toBeLessThan(60_000);

    const again = await studio.submit(creator.jwt, documentId);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "not_submittable", message: expect.stringMatching(/already/) });
    const locked = await studio.save(
      creator.jwt,
      documentId,
      edited(submitted.body.data, { title: "While in review" }),
    );
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({ code: "not_editable", message: expect.stringMatching(/Withdraw it/) });

    const withdrawn = await studio.withdraw(creator.jwt, documentId);
    ok(withdrawn);
    expect(withdrawn.body.data).toMatchObject({ reviewState: "draft", submittedAt: null });
    const twice = await studio.withdraw(creator.jwt, documentId);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({
      code: "not_withdrawable",
      message: expect.stringMatching(/not submitted/),
    });
    ok(await studio.save(creator.jwt, documentId, edited(withdrawn.body.data, { title: "Editable again" })));
  });
});

describe("bad input", () => {
  const badSaves: [string, (article: StudioArticle) => unknown, string | null][] = [
    ["a citation past the sources", (a) => ({ data: edited(a, { body: "Cited [1] and [3]." }) }), "body"],
    ["a citation with no sources", (a) => ({ data: edited(a, { sources: [] }) }), "body"],
    ["no title", (a) => ({ data: edited(a, { title: "  " }) }), "title"],
    ["no body", (a) => ({ data: edited(a, { body: "" }) }), "body"],
    ["no version", (a) => ({ data: { ...edited(a), version: undefined } }), "version"],
    ["a version that is no time", (a) => ({ data: edited(a, { version: "yesterday" }) }), "version"],
    [
      "a javascript: source",
      (a) => ({ data: edited(a, { sources: [{ title: "x", url: "javascript:alert(1)" }] }) }),
      "sources.0.url",
    ],
    ["an unknown field in data", (a) => ({ data: edited(a, { tags: ["sneaky"] }) }), null],
    ["the author in data", (a) => ({ data: edited(a, { author: 1 }) }), null],
    ["a field beside data", (a) => ({ data: edited(a), reviewState: "published" }), null],
    ["no data", () => ({ title: "x" }), null],
    ["an array", () => [1, 2], null],
  ];

  it.each(badSaves)(
    "answers 400 to a save with %s, naming the field, and writes nothing",
    async (_name, body, field) => {
      const { documentId } = await draftOf();
      const read = (await studio.read(creator.jwt, documentId)).body.data;
      const before = await rowsOf(documentId);
      const reply = await studio.call(creator.jwt, "PUT", `/${documentId}?locale=en`, body(read));
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(reply.body.error.name).toBe("ValidationError");
      expect(reply.body.error.message).toBeTruthy();
      if (field)
        expect(reply.body.error.details.errors.map((e: { path: string[] }) => e.path.join("."))).toContain(field);
      expect(await rowsOf(documentId)).toEqual(before);
    },
  );

  it("names the citations that point nowhere, in a sentence a person can act on", async () => {
    const { documentId } = await draftOf();
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    const reply = await studio.save(creator.jwt, documentId, edited(read, { body: "One [1], two [2], nine [9]." }));
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.errors).toEqual([
      expect.objectContaining({
        path: ["body"],
        message: "[2] points to no source: the article lists 1 (cite [1] to [1])",
      }),
      expect.objectContaining({
        path: ["body"],
        message: "[9] points to no source: the article lists 1 (cite [1] to [1])",
      }),
    ]);
  });

  it("answers 400 to JSON that does not parse, and writes nothing", async () => {
    const { documentId } = await draftOf();
    const before = await rowsOf(documentId);
    const response = await fetch(`${env.CMS_URL}/api/studio/articles/${documentId}?locale=en`, {
      method: "PUT",
      headers: { authorization: `Bearer ${creator.jwt}`, "content-type": "application/json" },
      body: '{"data": {"title": "cut',
    });
    expect(response.status).toBe(400);
    expect(await rowsOf(documentId)).toEqual(before);
  });

  const badQueries = [
    ["a locale we do not serve", "locale=fr"],
    ["no locale", ""],
    ["two locales", "locale=en&locale=zh-CN"],
    ["populate", "locale=en&populate=*"],
    ["populate of a relation", "locale=en&populate[author]=true"],
    ["filters", "locale=en&filters[title][$eq]=x"],
    ["fields", "locale=en&fields[0]=title"],
    ["status", "locale=en&status=published"],
    ["status as a list", "locale=en&status[0]=draft"],
    ["publicationState", "locale=en&publicationState=preview"],
    ["an unknown parameter", "locale=en&version=1"],
  ];

  it.each(badQueries)("answers 400 to a read, save or transition with %s", async (_name, query) => {
    const { documentId } = await draftOf();
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    const before = await rowsOf(documentId);
    for (const [method, path, body] of [
      ["GET", `/${documentId}`, undefined],
      ["PUT", `/${documentId}`, { data: edited(read) }],
      ["POST", `/${documentId}/submit`, undefined],
      ["POST", `/${documentId}/withdraw`, undefined],
    ] as const) {
      const reply = await studio.call(creator.jwt, method, `${path}?${query}`, body);
      expect(reply.status, `${method} ${path}?${query}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body.error.message).toBeTruthy();
    }
    expect(await rowsOf(documentId)).toEqual(before);
  });

  it.each([
    ["page 0", "page=0"],
    ["a page size past 50", "pageSize=51"],
    ["a page that is no number", "page=two"],
    ["filters", "filters[reviewState][$eq]=submitted"],
    ["status", "status=draft"],
    ["sort", "sort=title"],
  ])("answers 400 to a list with %s", async (_name, query) => {
    const reply = await studio.list(creator.jwt, query);
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  });

  it("answers 400 to a document id that is none, and to a body on a transition", async () => {
    for (const path of ["/not-an-id!?locale=en", "/ABC?locale=en", `/${"a".repeat(41)}?locale=en`])
      expect((await studio.call(creator.jwt, "GET", path)).status).toBe(400);
    const { documentId } = await draftOf();
    const reply = await studio.call(creator.jwt, "POST", `/${documentId}/submit?locale=en`, {
      data: { reviewState: "published" },
    });
    expect(reply.status).toBe(400);
    expect((await studio.read(creator.jwt, documentId)).body.data.reviewState).toBe("draft");
    // An empty one is no body at all.
    ok(await studio.call(creator.jwt, "POST", `/${documentId}/submit?locale=en`, { data: {} }));
  });
});

describe("ownership", () => {
  it("shows another member's draft to nobody: 404 with the body of a draft that does not exist, everywhere", async () => {
    const { documentId } = await draftOf({ title: "Private thoughts" });
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    const before = await rowsOf(documentId);
    const missing = "abcdefghij0123456789abcd";
    const attempts = (id: string) =>
      [
        studio.read(other.jwt, id),
        studio.save(other.jwt, id, edited(read, { title: "Mine now" })),
        studio.submit(other.jwt, id),
        studio.withdraw(other.jwt, id),
      ] as const;
    const theirs = await Promise.all(attempts(documentId));
    const nothing = await Promise.all(attempts(missing));
    for (const [i, reply] of theirs.entries()) {
      expect(reply.status, JSON.stringify(reply.body)).toBe(404);
      expect(reply.body).toEqual(nothing[i]?.body);
      expect(JSON.stringify(reply.body)).not.toContain("Private thoughts");
    }
    // The other locale of the creator's document does not exist either.
    expect((await studio.read(creator.jwt, documentId, "zh-CN")).status).toBe(404);
    expect((await studio.list(other.jwt)).body.data).toEqual([]);
    expect(await rowsOf(documentId)).toEqual(before);
  });

  it("refuses callers who are not a signed-in member as every member route does", async () => {
    const { documentId } = await draftOf();
    const read = (await studio.read(creator.jwt, documentId)).body.data;
    const before = await rowsOf(documentId);
    const callers: [string, string | undefined, number][] = [
      ["anonymous", undefined, 403],
      ["the community's token", String(env.CMS_COMMUNITY_TOKEN), 403],
      ["the worker's token", String(env.CMS_WORKER_TOKEN), 403],
      ["a blocked member", blocked.jwt, 401],
      ["an editor's admin token", await api.editorToken(), 401],
    ];
    for (const [who, token, status] of callers) {
      for (const reply of [
        await studio.list(token as string),
        await studio.read(token as string, documentId),
        await studio.save(token as string, documentId, edited(read, { title: "Not yours" })),
        await studio.submit(token as string, documentId),
        await studio.withdraw(token as string, documentId),
      ])
        expect(reply.status, `${who}: ${JSON.stringify(reply.body)}`).toBe(status);
    }
    expect(await rowsOf(documentId)).toEqual(before);
  });
});

describe("previews", () => {
  const preview = (documentId: string, query = "locale=en", token = String(env.CMS_COMMUNITY_TOKEN)) =>
    api.call("GET", `/api/previews/${documentId}?${query}`, { token });

  it("gives the community's token the draft in the shape of the public article", async () => {
    const { documentId } = await draftOf({ title: "Before the edit" });
    ok(await api.publish(documentId, "en"));
    // The draft moves on after publishing: the preview shows the draft, the public read the published version.
    const edit = await api.admin(
      "PUT",
      `/content-manager/collection-types/api::article.article/${documentId}?locale=en`,
      {
        title: "After the edit",
      },
    );
    ok(edit);
    const shown = await preview(documentId);
    ok(shown);
    const published = await api.call("GET", `/api/articles/${documentId}?locale=en`, {
      token: String(env.CMS_COMMUNITY_TOKEN),
    });
    ok(published);
    expect(shown.body.data.title).toBe("After the edit");
    expect(published.body.data.title).toBe("Before the edit");
    expect(Object.keys(shown.body.data).sort()).toEqual(Object.keys(published.body.data).sort());
    expect(Object.keys(shown.body)).toEqual(["data", "meta"]);
    expect(shown.body.data.author).toEqual(published.body.data.author);
    const withoutIds = (sources: { id: number }[]) => sources.map(({ id: _id, ...source }) => source);
    expect(withoutIds(shown.body.data.sources)).toEqual(withoutIds(published.body.data.sources));
    // What is between the creator and the editors is not part of the article.
    expect(shown.body.data).not.toHaveProperty("reviewNote");
    expect(published.body.data).not.toHaveProperty("reviewState");
    expect(shown.body.data.tags.map((t: { name: string }) => t.name).sort()).toEqual(["ai", "writing"]);
    // Private fields stay private, as in the public read.
    expect(JSON.stringify(shown.body)).not.toMatch(/"(password|email|createdBy|updatedBy)"/);

    const never = await draftOf({ title: "Never published" });
    const draftOnly = await preview(never.documentId);
    ok(draftOnly);
    expect(draftOnly.body.data).toMatchObject({ title: "Never published", publishedAt: null });
  });

  it("answers nobody but the community's token, and refuses parameters it does not take", async () => {
    const { documentId } = await draftOf({ title: "Preview-secret" });
    for (const [who, token, status] of [
      ["anonymous", undefined, 403],
      ["the creator", creator.jwt, 403],
      ["another member", other.jwt, 403],
      ["the worker's token", String(env.CMS_WORKER_TOKEN), 403],
      ["a blocked member", blocked.jwt, 401],
      ["an editor's admin token", await api.editorToken(), 401],
    ] as const) {
      const reply = await api.call("GET", `/api/previews/${documentId}?locale=en`, { token });
      expect(reply.status, `${who}: ${JSON.stringify(reply.body)}`).toBe(status);
      expect(JSON.stringify(reply.body)).not.toContain("Preview-secret");
    }
    for (const query of [
      "",
      "locale=fr",
      "locale=en&populate=*",
      "locale=en&status=published",
      "locale=en&fields[0]=title",
    ])
      expect((await preview(documentId, query)).status, query).toBe(400);
    expect((await preview("abcdefghij0123456789abcd")).status).toBe(404);
    expect((await preview(documentId, "locale=zh-CN")).status).toBe(404);
    expect(
      (await api.call("GET", `/api/previews/NOT-AN-ID?locale=en`, { token: String(env.CMS_COMMUNITY_TOKEN) })).status,
    ).toBe(400);
  });
});
