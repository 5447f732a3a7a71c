// A member's whole personal state in one request (GET /api/members/me/state): exact lists in order, the unread
// count as notifications arrive and are read, the bound, and every caller — members see their own state only.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { MEMBER_STATE_LIMIT } from "../src/lib/member-state.ts";
import { type CallInit, type CmsApi, cmsApi, draft } from "./cms-api.ts";

const STATE = "/api/members/me/state";
/** The sibling member routes, whose answers to each caller this route must share. */
const SIBLINGS = ["/api/reactions/mine", "/api/follows/mine", "/api/notifications/mine"];

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
const jwt = { reader: "", other: "", blocked: "", bulk: "" };
/** Test members sign up without confirming their address, in a CMS that does not ask them to (the test default). */
const unconfirmed = (name: string) => ({
  emailVerified: false,
  verificationRequired: false,
  email: `${name[0]}***@example.test`,
});
/** Published articles by ms-author, in the order they were published. */
const articles: string[] = [];
/** The slugs of the articles' tags. */
const slugs = { writing: "", ai: "" };

const state = (token: string, query = "") => api.call("GET", `${STATE}${query ? `?${query}` : ""}`, { token });
const react = async (token: string, article: string, kind: "like" | "bookmark", active = true) => {
  const reply = await api.call("PUT", "/api/reactions", { token, body: { data: { article, kind, active } } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
};
const follow = async (token: string, targetType: "author" | "tag", target: string, active = true) => {
  const reply = await api.call("PUT", "/api/follows", { token, body: { data: { targetType, target, active } } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
};
const comment = async (token: string, article: string, parent?: string) => {
  const reply = await api.call("POST", "/api/comments", {
    token,
    body: { data: { article, locale: "en", body: "A comment.", ...(parent ? { parent } : {}) } },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data.id as string;
};

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();

  const [reader, other, blocked, bulk, author] = await Promise.all(
    ["ms-reader", "ms-other", "ms-blocked", "ms-bulk", "ms-author"].map((name) => api.signUp(name)),
  );
  if (!reader || !other || !blocked || !bulk || !author) throw new Error("expected five members");
  Object.assign(jwt, { reader: reader.jwt, other: other.jwt, blocked: blocked.jwt, bulk: bulk.jwt });
  for (const run of ["run-ms-1", "run-ms-2", "run-ms-3"]) {
    const saved = await api.saveDraft(run, draft(author.user.documentId, run, { tags: ["writing", "ai"] }));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await api.publish(saved.body.data.documentId, "en")).status).toBe(200);
    articles.push(saved.body.data.documentId);
  }
  for (const name of ["writing", "ai"] as const) {
    const tags = await api.call("GET", `/api/tags?filters[name][$eq]=${name}`);
    slugs[name] = tags.body.data[0].slug;
  }
  // The blocked member had a state of their own before being blocked.
  await react(blocked.jwt, articles[0] as string, "like");
  await follow(blocked.jwt, "author", "ms-author");
  expect((await api.setBlocked(blocked.user.documentId, true)).status).toBe(200);
});
afterAll(async () => {
  await db?.end();
});

describe("a member's state", () => {
  it("is empty for a new member", async () => {
    const reply = await state(jwt.reader);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({
      data: {
        likes: [],
        bookmarks: [],
        follows: { authors: [], tags: [] },
        unread: 0,
        limited: false,
        ...unconfirmed("ms-reader"),
      },
    });
  });

  it("lists likes, bookmarks and follows newest first, as set through their routes, and the other member's apart", async () => {
    const [first, second, third] = articles as [string, string, string];
    await react(jwt.reader, first, "like");
    await react(jwt.reader, second, "like");
    await react(jwt.reader, third, "like");
    await react(jwt.reader, second, "like", false);
    await react(jwt.reader, second, "bookmark");
    await react(jwt.reader, first, "bookmark");
    // Setting what is set changes nothing, the order included.
    await react(jwt.reader, second, "bookmark");
    await follow(jwt.reader, "author", "ms-author");
    await follow(jwt.reader, "tag", slugs.writing);
    await follow(jwt.reader, "author", "ms-other");
    await follow(jwt.reader, "tag", slugs.ai);
    await follow(jwt.reader, "tag", slugs.writing, false);
    await follow(jwt.reader, "tag", slugs.writing);

    await react(jwt.other, second, "like");
    await follow(jwt.other, "tag", slugs.ai);

    expect((await state(jwt.reader)).body).toEqual({
      data: {
        likes: [third, first],
        bookmarks: [first, second],
        follows: { authors: ["ms-other", "ms-author"], tags: [slugs.writing, slugs.ai] },
        unread: 0,
        limited: false,
        ...unconfirmed("ms-reader"),
      },
    });
    // ms-reader following ms-other notified them.
    expect((await state(jwt.other)).body).toEqual({
      data: {
        likes: [second],
        bookmarks: [],
        follows: { authors: [], tags: [slugs.ai] },
        unread: 1,
        limited: false,
        ...unconfirmed("ms-other"),
      },
    });
  });

  it("counts unread notifications as they are made and read", async () => {
    const unread = async (token: string) => (await state(token)).body.data.unread as number;
    const before = await unread(jwt.reader);
    const mine = await comment(jwt.reader, articles[0] as string);
    await comment(jwt.other, articles[0] as string, mine);
    expect(await unread(jwt.reader)).toBe(before + 1);
    await follow(jwt.other, "author", "ms-reader");
    expect(await unread(jwt.reader)).toBe(before + 2);
    // The badge agrees with the notifications page.
    const page = await api.call("GET", "/api/notifications/mine", { token: jwt.reader });
    expect(page.body.meta.unread).toBe(before + 2);

    // Reading the other member's notifications changes nothing of the reader's.
    await api.call("POST", "/api/notifications/read", { token: jwt.other, body: { data: { all: true } } });
    expect(await unread(jwt.reader)).toBe(before + 2);
    const read = await api.call("POST", "/api/notifications/read", {
      token: jwt.reader,
      body: { data: { all: true } },
    });
    expect(read.status).toBe(200);
    expect(await unread(jwt.reader)).toBe(0);
  });

  it(`keeps the ${MEMBER_STATE_LIMIT} newest of a list and says it was cut`, async () => {
    // Thousands of bookmarks through the route would need thousands of articles: the rows are written as the route
    // writes them (a reaction and its member link), newest first being bulk-1.
    await db.query(
      `WITH me AS (
         SELECT l.profile_id FROM profiles_user_lnk l JOIN up_users u ON u.id = l.user_id WHERE u.username = 'ms-bulk'),
       made AS (
         INSERT INTO reactions (document_id, article_document_id, kind, key, created_at, updated_at)
         SELECT 'bulk' || lpad(g::text, 20, '0'), 'bulk-' || g, 'bookmark', 'bulk:' || g,
                now() - g * interval '1 second', now()
         FROM generate_series(1, $1::int) g RETURNING id)
       INSERT INTO reactions_member_lnk (reaction_id, profile_id) SELECT made.id, me.profile_id FROM made, me`,
      [MEMBER_STATE_LIMIT + 1],
    );
    const cut = (await state(jwt.bulk)).body.data;
    expect(cut.limited).toBe(true);
    expect(cut.bookmarks).toHaveLength(MEMBER_STATE_LIMIT);
    expect(cut.bookmarks[0]).toBe("bulk-1");
    expect(cut.bookmarks.at(-1)).toBe(`bulk-${MEMBER_STATE_LIMIT}`);
    expect(cut.likes).toEqual([]);

    // Exactly at the bound is whole.
    await db.query("DELETE FROM reactions WHERE key = $1", [`bulk:${MEMBER_STATE_LIMIT + 1}`]);
    const whole = (await state(jwt.bulk)).body.data;
    expect(whole.limited).toBe(false);
    expect(whole.bookmarks).toHaveLength(MEMBER_STATE_LIMIT);
  });

  it.each([
    "status=draft",
    "status[$ne]=published",
    "publicationState=preview",
    "populate=*",
    "populate[likes]=true",
    "filters[member][handle][$eq]=ms-other",
    "filters[$or][0][kind]=bookmark",
    "fields[0]=key",
    "sort=createdAt:asc",
    "pagination[pageSize]=1",
    "pagination[page]=2",
    "limit=1&start=1",
    "locale=*",
    "kind=bookmark",
    "unread=true",
    "handle=ms-other",
    "userId=1&profile=2",
  ])("answers the same whatever `%s` says", async (query) => {
    const plain = await state(jwt.reader);
    const asked = await state(jwt.reader, query);
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toEqual(plain.body);
  });
});

describe("who may ask", () => {
  type Caller = { name: string; init: () => CallInit; expected: number };
  const CALLERS: Caller[] = [
    { name: "anonymous", init: () => ({}), expected: 403 },
    { name: "a blocked member", init: () => ({ token: jwt.blocked }), expected: 401 },
    { name: "the community's API token", init: () => ({ token: String(env.CMS_COMMUNITY_TOKEN) }), expected: 403 },
    { name: "the worker's API token", init: () => ({ token: String(env.CMS_WORKER_TOKEN) }), expected: 403 },
    { name: "the community's credential alone", init: () => ({ community: true }), expected: 403 },
    { name: "a forged JWT", init: () => ({ token: `${jwt.reader.slice(0, -4)}AAAA` }), expected: 401 },
  ];

  it.each(CALLERS)("refuses $name ($expected), as the other member routes do", async ({ init, expected }) => {
    const reply = await api.call("GET", STATE, init());
    expect(reply.status, JSON.stringify(reply.body)).toBe(expected);
    expect(reply.body.data ?? null).toBeNull();
    for (const sibling of SIBLINGS) expect((await api.call("GET", sibling, init())).status, sibling).toBe(expected);
  });

  it("refuses an editor's admin JWT as the other member routes do", async () => {
    const token = await api.editorToken();
    const reply = await api.call("GET", STATE, { token });
    expect(reply.status).toBe(401);
    for (const sibling of SIBLINGS) expect((await api.call("GET", sibling, { token })).status, sibling).toBe(401);
  });

  it("answers a member through the community as it answers the member", async () => {
    const direct = await state(jwt.other);
    const viaCommunity = await api.call("GET", STATE, { token: jwt.other, community: true });
    expect(viaCommunity.status).toBe(200);
    expect(viaCommunity.body).toEqual(direct.body);
  });
});
