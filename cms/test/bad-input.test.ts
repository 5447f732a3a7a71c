// A catalogue of bad input across the CMS's routes: every one is refused with a 4xx that says why (never a 5xx),
// and none of them writes anything.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, draft, PASSWORD } from "./cms-api.ts";
import { hugeFile, renamedExecutable, svgWithScript } from "./uploads-support.ts";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
let memberJwt = "";
let memberId = "";
let article = "";
/** The member's conversation and its queued answer, for the rows that name one. */
const conversation = { id: "", answer: "" };
/** The member's own draft and the version it was read at, for the studio's rows. */
const studio = { documentId: "", version: "" };

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"]));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  const author = await api.signUp("bad-author");
  const member = await api.signUp("bad-member");
  memberJwt = member.jwt;
  memberId = member.user.documentId;
  article = (await api.saveDraft("run-bad-input", draft(author.user.documentId, "run-bad-input"))).body.data.documentId;
  expect((await api.publish(article, "en")).status).toBe(200);
  const asked = await api.call("POST", "/api/conversations", {
    token: memberJwt,
    body: { data: { question: "What do the bad inputs change?", locale: "en" } },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const own = await api.saveDraft("run-bad-studio", draft(memberId, "run-bad-studio"));
  studio.documentId = own.body.data.documentId;
  const read = await api.call("GET", `/api/studio/articles/${studio.documentId}?locale=en`, { token: memberJwt });
  expect(read.status, JSON.stringify(read.body)).toBe(200);
  studio.version = read.body.data.version;
  conversation.id = asked.body.data.conversation.documentId;
  conversation.answer = asked.body.data.answer.documentId;
});
afterAll(async () => {
  await db?.end();
});

/** Row counts and content hashes of every table a request could write. */
const fingerprint = async () =>
  (
    await db.query(`SELECT
      (SELECT md5(coalesce(string_agg(id || ':' || title || ':' || coalesce(published_at::text, ''), ',' ORDER BY id), '')) FROM articles) AS articles,
      (SELECT md5(coalesce(string_agg(id || ':' || body || ':' || reports_count, ',' ORDER BY id), '')) FROM comments) AS comments,
      (SELECT count(*) FROM reactions) AS reactions,
      (SELECT count(*) FROM follows) AS follows,
      (SELECT md5(coalesce(string_agg(id || ':' || read, ',' ORDER BY id), '')) FROM notifications) AS notifications,
      (SELECT md5(coalesce(string_agg(id || ':' || display_name || ':' || coalesce(bio, ''), ',' ORDER BY id), '')) FROM profiles) AS profiles,
      (SELECT md5(coalesce(string_agg(id || ':' || username || ':' || email, ',' ORDER BY id), '')) FROM up_users) AS users,
      (SELECT count(*) FROM member_sessions) AS sessions,
      (SELECT count(*) FROM inkstone_signin_failures) AS signin_failures,
      (SELECT count(*) FROM tags) AS tags,
      (SELECT count(*) FROM files) AS files,
      (SELECT count(*) FROM files_related_mph) AS file_links,
      (SELECT md5(coalesce(string_agg(id || ':' || title || ':' || last_activity_at, ',' ORDER BY id), '')) FROM conversations) AS conversations,
      (SELECT md5(coalesce(string_agg(id || ':' || status || ':' || coalesce(text, '') || ':' || coalesce(citations::text, ''), ',' ORDER BY id), '')) FROM conversation_messages) AS conversation_messages`)
  ).rows[0];

type As = "anonymous" | "member" | "worker" | "community";
type Case = {
  method: string;
  path: string | (() => string);
  as?: As;
  /** A JSON value (serialised), or the raw bytes to send. */
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
  /** Send the body as a stream: chunked transfer encoding, no Content-Length. */
  chunked?: boolean;
  status?: number;
};

const a = (n: number, char = "a") => char.repeat(n);
const hex64 = () => randomBytes(32).toString("hex");
const comment = (body: unknown) => ({ data: { article, locale: "en", body } });
const session = (overrides: Record<string, unknown>) => ({
  data: {
    tokenHash: hex64(),
    userId: memberId,
    sealedJwt: "sealed",
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...overrides,
  },
});
const nested = (depth: number): unknown => (depth === 0 ? "x" : { n: nested(depth - 1) });

const BOUNDARY = "inkstone-bad-input";
/** A multipart body of `parts` (a file when it has a filename), as `raw` and the headers to send it with. */
const multipart = (
  parts: { name: string; filename?: string; type?: string; bytes: Buffer | string }[],
  { end = true } = {},
) => ({
  raw: Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.filename
            ? `; filename="${part.filename}"\r\nContent-Type: ${part.type ?? "application/octet-stream"}`
            : "") +
          "\r\n\r\n",
      ),
      Buffer.from(part.bytes),
      Buffer.from("\r\n"),
    ]),
    Buffer.from(end ? `--${BOUNDARY}--\r\n` : ""),
  ]),
  headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
});
const AVATAR = "/api/profiles/me/avatar";
const question = (text: unknown, extra: Record<string, unknown> = {}) => ({ data: { question: text, ...extra } });
const answerPath = () => `/api/conversation-answers/${conversation.answer}`;
const studioPath = () => `/api/studio/articles/${studio.documentId}?locale=en`;
/** A save of the member's draft: what the studio's editor sends, with `data` changed. */
const studioSave = (data: Record<string, unknown>) => () => ({
  data: { title: "T", summary: "", body: "Claim [1].", sources: [CITED_SOURCE], version: studio.version, ...data },
});
const CITED_SOURCE = { title: "A source", url: "https://example.org/a", excerpt: "" };
const CITED = { n: 1, documentId: "abcdefghij0123456789abcd", locale: "en", slug: "why-sources", title: "Why sources" };

const ARTICLES = "/api/articles?locale=en&";
const CATALOGUE: [string, Case][] = [
  // Filters: wrong types, unknown operators and fields, malformed shapes.
  ["a word for an id", { method: "GET", path: `${ARTICLES}filters[id][$eq]=abc` }],
  ["a word for an id, no operator", { method: "GET", path: `${ARTICLES}filters[id]=abc` }],
  ["an id beyond integer range", { method: "GET", path: `${ARTICLES}filters[id][$eq]=99999999999` }],
  ["a one-value $between", { method: "GET", path: `${ARTICLES}filters[id][$between]=1` }],
  ["a one-element $between", { method: "GET", path: `${ARTICLES}filters[id][$between][0]=1` }],
  [
    "a three-element $between",
    {
      method: "GET",
      path: `${ARTICLES}filters[id][$between][0]=1&filters[id][$between][1]=2&filters[id][$between][2]=3`,
    },
  ],
  ["an unknown operator", { method: "GET", path: `${ARTICLES}filters[id][$foo]=1` }],
  ["an operator without a field", { method: "GET", path: `${ARTICLES}filters[$eq]=1` }],
  ["an unknown field", { method: "GET", path: `${ARTICLES}filters[nope][$eq]=1` }],
  ["a word for a date", { method: "GET", path: `${ARTICLES}filters[createdAt][$gt]=yesterday` }],
  ["an impossible date", { method: "GET", path: `${ARTICLES}filters[createdAt][$gt]=2026-13-45` }],
  ["a word for a boolean", { method: "GET", path: `${ARTICLES}filters[featured][$eq]=maybe` }],
  ["an infinite number", { method: "GET", path: `${ARTICLES}filters[readingTime][$gt]=1e999` }],
  ["a text operator on a number", { method: "GET", path: `${ARTICLES}filters[readingTime][$contains]=1` }],
  ["a word for a relation's id", { method: "GET", path: `${ARTICLES}filters[author][id][$eq]=abc` }],
  ["a list past qs's array limit", { method: "GET", path: `${ARTICLES}filters[id][$in][200]=1` }],
  ["$or that is not a list", { method: "GET", path: `${ARTICLES}filters[$or]=x` }],
  ["a wrong type inside $and", { method: "GET", path: `${ARTICLES}filters[$and][0][id]=abc` }],
  ["a wrong type inside $not", { method: "GET", path: `${ARTICLES}filters[$not][id]=abc` }],
  ["a word for $null", { method: "GET", path: `${ARTICLES}filters[title][$null]=perhaps` }],
  ["filters that are a string", { method: "GET", path: `${ARTICLES}filters=abc` }],
  ["a private field through a relation", { method: "GET", path: `${ARTICLES}filters[author][user][id]=1` }],
  ["a wrong type in a component", { method: "GET", path: `${ARTICLES}filters[generation][durationMs][$gt]=slow` }],
  ["a wrong type in a populate filter", { method: "GET", path: `${ARTICLES}populate[author][filters][id][$eq]=abc` }],
  ["a wrong type on another type", { method: "GET", path: "/api/tags?filters[id][$eq]=abc" }],
  ["a wrong type on profiles", { method: "GET", path: "/api/profiles?filters[createdAt][$lt]=soon" }],
  // Control characters and encodings.
  ["a null byte in a filter", { method: "GET", path: `${ARTICLES}filters[title][$eq]=a%00b` }],
  ["a control character in a filter", { method: "GET", path: `${ARTICLES}filters[title][$eq]=%01` }],
  ["DEL in a filter", { method: "GET", path: `${ARTICLES}filters[title][$eq]=%7F` }],
  ["a C1 control in a filter", { method: "GET", path: `${ARTICLES}filters[title][$eq]=%C2%85` }],
  ["a null byte in a key", { method: "GET", path: `${ARTICLES}%00=1` }],
  ["a null byte in a search", { method: "GET", path: `${ARTICLES}_q=a%00` }],
  ["a malformed percent-escape", { method: "GET", path: `${ARTICLES}x=%ZZ` }],
  ["invalid UTF-8 in the query", { method: "GET", path: `${ARTICLES}x=%C3%28` }],
  ["an encoded surrogate in the query", { method: "GET", path: `${ARTICLES}x=%ED%A0%80` }],
  ["a null byte in the path", { method: "GET", path: "/api/articles/%00" }],
  ["a truncated escape in the path", { method: "GET", path: "/api/articles/%E0%A4%A" }],
  ["a null byte in a comment id", { method: "POST", path: "/api/comments/%00/report", as: "member" }],
  ["a null byte in a creator id", { method: "GET", path: "/api/generation/creators/%00", as: "worker" }],
  ["a null byte in a session hash", { method: "GET", path: "/api/member-sessions/%00", as: "community" }],
  // Pagination and other parameters.
  ["page 0", { method: "GET", path: `${ARTICLES}pagination[page]=0` }],
  ["a negative page", { method: "GET", path: `${ARTICLES}pagination[page]=-1` }],
  ["a page size of 1000", { method: "GET", path: `${ARTICLES}pagination[pageSize]=1000` }],
  ["an astronomical page", { method: "GET", path: `${ARTICLES}pagination[page]=99999999999999` }],
  ["a negative start", { method: "GET", path: `${ARTICLES}pagination[start]=-5` }],
  ["a word for a limit", { method: "GET", path: `${ARTICLES}pagination[limit]=abc` }],
  ["an unknown pagination key", { method: "GET", path: `${ARTICLES}pagination[foo]=1` }],
  ["pagination that is a string", { method: "GET", path: `${ARTICLES}pagination=1` }],
  ["a top-level page 0", { method: "GET", path: `${ARTICLES}page=0` }],
  ["a huge page in a populate", { method: "GET", path: `${ARTICLES}populate[tags][start]=999999999999` }],
  ["a locale that is not one", { method: "GET", path: "/api/articles?locale=en%3Bdrop" }],
  ["a locale with an operator", { method: "GET", path: "/api/articles?locale[$ne]=en" }],
  ["a sort direction that is not one", { method: "GET", path: `${ARTICLES}sort=title:sideways` }],
  ["a sort on an unknown field", { method: "GET", path: `${ARTICLES}sort=nope` }],
  ["an unknown field", { method: "GET", path: `${ARTICLES}fields[0]=nope` }],
  ["an unknown populate", { method: "GET", path: `${ARTICLES}populate=nope` }],
  ["a search that is an object", { method: "GET", path: `${ARTICLES}_q[$ne]=x` }],
  ["an unknown parameter", { method: "GET", path: `${ARTICLES}evil=1` }],
  ["a comment thread with an operator", { method: "GET", path: "/api/comments?article[$ne]=x&locale=en" }],
  [
    "a comment thread in no language",
    { method: "GET", path: `/api/comments?article=abcdefghij0123456789abcd&locale=xx` },
  ],
  ["a word for a page of notifications", { method: "GET", path: "/api/notifications/mine?page=abc", as: "member" }],
  ["a feed page size of 1000", { method: "GET", path: "/api/feed/following?pageSize=1000", as: "member" }],
  // Bodies.
  ["a null byte in a comment", { method: "POST", path: "/api/comments", as: "member", body: comment("hi\u0000there") }],
  [
    "an escape character in a comment",
    { method: "POST", path: "/api/comments", as: "member", body: comment("\u001b[31mred") },
  ],
  ["a lone surrogate in a comment", { method: "POST", path: "/api/comments", as: "member", body: comment("hi\ud800") }],
  [
    "invalid UTF-8 in a comment",
    {
      method: "POST",
      path: "/api/comments",
      as: "member",
      raw: Buffer.concat([
        Buffer.from(`{"data":{"article":"${"x"}","locale":"en","body":"hi `),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}}'),
      ]),
    },
  ],
  ["malformed JSON", { method: "POST", path: "/api/comments", as: "member", raw: '{"data":' }],
  ["a JSON string for a body", { method: "POST", path: "/api/comments", as: "member", raw: '"a comment"' }],
  ["a JSON null for a body", { method: "POST", path: "/api/comments", as: "member", raw: "null" }],
  ["a 1 MB comment", { method: "POST", path: "/api/comments", as: "member", body: comment(a(1_000_000)) }],
  ["a 3 MB body", { method: "POST", path: "/api/comments", as: "member", body: comment(a(3_000_000)), status: 413 }],
  [
    "a 3 MB chunked body",
    {
      method: "POST",
      path: "/api/comments",
      as: "member",
      raw: JSON.stringify(comment(a(3_000_000))),
      chunked: true,
      status: 413,
    },
  ],
  [
    "a gzipped body",
    {
      method: "POST",
      path: "/api/comments",
      as: "member",
      raw: gzipSync(JSON.stringify(comment("zipped"))),
      headers: { "content-encoding": "gzip" },
    },
  ],
  ["a body nested 100 deep", { method: "POST", path: "/api/comments", as: "member", body: { data: nested(100) } }],
  ["a null byte in a key", { method: "POST", path: "/api/comments", as: "member", body: { data: { "a\u0000": 1 } } }],
  [
    "a form body with a null byte",
    {
      method: "POST",
      path: "/api/comments",
      as: "member",
      raw: "data[body]=%00",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    },
  ],
  [
    "a text body with a null byte",
    { method: "POST", path: "/api/comments", as: "member", raw: "a\u0000b", headers: { "content-type": "text/plain" } },
  ],
  [
    "a null byte in a display name",
    { method: "PUT", path: "/api/profiles/me", as: "member", body: { data: { displayName: "a\u0000b" } } },
  ],
  ["a 1 MB bio", { method: "PUT", path: "/api/profiles/me", as: "member", body: { data: { bio: a(1_000_000) } } }],
  [
    "a javascript: link",
    {
      method: "PUT",
      path: "/api/profiles/me",
      as: "member",
      body: { data: { links: [{ label: "x", url: "javascript:alert(1)" }] } },
    },
  ],
  [
    "a reaction kind that is a list",
    { method: "PUT", path: "/api/reactions", as: "member", body: { data: { article, kind: ["like"], active: true } } },
  ],
  [
    "a reaction on an operator",
    {
      method: "PUT",
      path: "/api/reactions",
      as: "member",
      body: { data: { article: { $ne: 1 }, kind: "like", active: true } },
    },
  ],
  [
    "a follow target with a null byte",
    {
      method: "PUT",
      path: "/api/follows",
      as: "member",
      body: { data: { targetType: "tag", target: "a\u0000", active: true } },
    },
  ],
  [
    "notification ids with a null byte",
    { method: "POST", path: "/api/notifications/read", as: "member", body: { data: { ids: ["x\u0000"] } } },
  ],
  [
    "a null byte in a run id",
    { method: "PUT", path: "/api/generation/drafts/run%00", as: "worker", body: { data: {} } },
  ],
  [
    "a null byte in a draft's title",
    {
      method: "PUT",
      path: "/api/generation/drafts/run-bad-title",
      as: "worker",
      body: () => ({ data: draft(memberId, "run-bad-title", { title: "a\u0000b" }) }),
    },
  ],
  [
    "a sign-in name with a null byte",
    {
      method: "POST",
      path: "/api/auth/local",
      as: "community",
      body: { identifier: "bad\u0000member", password: PASSWORD },
    },
  ],
  [
    "a sign-in name that is an operator",
    { method: "POST", path: "/api/auth/local", as: "community", body: { identifier: { $ne: "" }, password: PASSWORD } },
  ],
  [
    "an HTML username",
    {
      method: "POST",
      path: "/api/auth/local/register",
      as: "community",
      body: { username: "<b>x</b>", email: "html@example.test", password: PASSWORD },
    },
  ],
  [
    "a username with a null byte",
    {
      method: "POST",
      path: "/api/auth/local/register",
      as: "community",
      body: { username: "nul\u0000l", email: "nul@example.test", password: PASSWORD },
    },
  ],
  [
    "a 1 MB username",
    {
      method: "POST",
      path: "/api/auth/local/register",
      as: "community",
      body: { username: a(1_000_000), email: "big@example.test", password: PASSWORD },
    },
  ],
  [
    "an e-mail that is not one",
    {
      method: "POST",
      path: "/api/auth/local/register",
      as: "community",
      body: { username: "no-mail", email: "not-an-email", password: PASSWORD },
    },
  ],
  [
    "a forged client address",
    {
      method: "POST",
      path: "/api/auth/local",
      as: "community",
      headers: { "x-inkstone-client-address": "not-an-ip" },
      body: { identifier: "bad-member", password: PASSWORD },
    },
  ],
  [
    "a 5 KB sealed token",
    { method: "POST", path: "/api/member-sessions", as: "community", body: () => session({ sealedJwt: a(5000) }) },
  ],
  [
    "an upper-case session hash",
    {
      method: "POST",
      path: "/api/member-sessions",
      as: "community",
      body: () => session({ tokenHash: hex64().toUpperCase() }),
    },
  ],
  [
    "an expiry that is a word",
    { method: "POST", path: "/api/member-sessions", as: "community", body: () => session({ expiresAt: "tomorrow" }) },
  ],
  [
    "an expiry in the past",
    {
      method: "POST",
      path: "/api/member-sessions",
      as: "community",
      body: () => session({ expiresAt: "2001-01-01T00:00:00Z" }),
    },
  ],
  ["a session hash that is not hex", { method: "GET", path: "/api/member-sessions/not-hex", as: "community" }],
  ["a session list with an operator", { method: "GET", path: "/api/member-sessions?userId[$ne]=x", as: "community" }],
  // Avatars (cms/test/uploads.test.ts has the whole catalogue of refused images, on both ways in).
  [
    "an avatar that is a renamed program",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      ...multipart([{ name: "avatar", filename: "me.jpg", type: "image/jpeg", bytes: renamedExecutable().bytes }]),
    },
  ],
  [
    "an avatar that is an SVG with a script",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      ...multipart([{ name: "avatar", filename: "me.svg", type: "image/svg+xml", bytes: svgWithScript().bytes }]),
    },
  ],
  [
    "an avatar form without a file",
    { method: "POST", path: AVATAR, as: "member", ...multipart([{ name: "avatar", bytes: "not a file" }]) },
  ],
  [
    "an avatar form cut off before its end",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      ...multipart([{ name: "avatar", filename: "me.jpg", type: "image/jpeg", bytes: "\xff\xd8\xff" }], { end: false }),
    },
  ],
  [
    "an avatar form with a boundary that never comes",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      raw: "just some bytes",
      headers: { "content-type": "multipart/form-data; boundary=elsewhere" },
    },
  ],
  [
    "a 20 MB avatar",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      ...multipart([{ name: "avatar", filename: "me.jpg", type: "image/jpeg", bytes: hugeFile(20).bytes }]),
      status: 413,
    },
  ],
  [
    "a 20 MB avatar, chunked",
    {
      method: "POST",
      path: AVATAR,
      as: "member",
      ...multipart([{ name: "avatar", filename: "me.jpg", type: "image/jpeg", bytes: hugeFile(20).bytes }]),
      chunked: true,
      status: 413,
    },
  ],
  // Ask Inkstone: questions, titles, ids and the worker's saves of an answer (cms/test/conversations.test.ts has more).
  [
    "a bell in a question",
    { method: "POST", path: "/api/conversations", as: "member", body: question("Why?\u0007", { locale: "en" }) },
  ],
  [
    "a 2001-character question",
    { method: "POST", path: "/api/conversations", as: "member", body: question(a(2001), { locale: "en" }) },
  ],
  [
    "a question that is a number",
    { method: "POST", path: "/api/conversations", as: "member", body: question(42, { locale: "en" }) },
  ],
  [
    "a conversation in no language",
    { method: "POST", path: "/api/conversations", as: "member", body: question("Why?", { locale: "xx" }) },
  ],
  [
    "a conversation with an owner",
    {
      method: "POST",
      path: "/api/conversations",
      as: "member",
      body: question("Why?", { locale: "en", member: memberId }),
    },
  ],
  ["a conversations page size of 51", { method: "GET", path: "/api/conversations?pageSize=51", as: "member" }],
  ["a conversations sort", { method: "GET", path: "/api/conversations?sort=title", as: "member" }],
  ["a conversation id that is not one", { method: "GET", path: "/api/conversations/NOT-AN-ID", as: "member" }],
  ["a null byte in a conversation id", { method: "GET", path: "/api/conversations/%00", as: "member" }],
  [
    "a title with a line break",
    {
      method: "PUT",
      path: () => `/api/conversations/${conversation.id}`,
      as: "member",
      body: { data: { title: "Two\nlines" } },
    },
  ],
  [
    "a 121-character title",
    {
      method: "PUT",
      path: () => `/api/conversations/${conversation.id}`,
      as: "member",
      body: { data: { title: a(121) } },
    },
  ],
  [
    "a 2001-character follow-up",
    {
      method: "POST",
      path: () => `/api/conversations/${conversation.id}/messages`,
      as: "member",
      body: question(a(2001, "问")),
    },
  ],
  [
    "an answer id that is not one",
    { method: "DELETE", path: () => `/api/conversations/${conversation.id}/answers/nope`, as: "member" },
  ],
  [
    "an answer status that is not one",
    { method: "PUT", path: answerPath, as: "worker", body: { data: { status: "thinking" } } },
  ],
  [
    "a 20,001-character answer",
    { method: "PUT", path: answerPath, as: "worker", body: { data: { status: "streaming", text: a(20_001) } } },
  ],
  [
    "citations that are text",
    { method: "PUT", path: answerPath, as: "worker", body: { data: { status: "done", citations: "[1]" } } },
  ],
  [
    "a citation numbered twice",
    {
      method: "PUT",
      path: answerPath,
      as: "worker",
      body: { data: { status: "done", text: "[1]", citations: [CITED, CITED] } },
    },
  ],
  // The studio: a member's own draft (cms/test/studio.test.ts has more).
  [
    "a null byte in a draft's title",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ title: "a\u0000b" }) },
  ],
  [
    "a draft title that is a number",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ title: 42 }) },
  ],
  [
    "a draft whose body is a list",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ body: ["x"] }) },
  ],
  [
    "a draft citing a source it does not list",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ body: "Claim [3]." }) },
  ],
  ["a draft with an unknown field", { method: "PUT", path: studioPath, as: "member", body: studioSave({ author: 1 }) }],
  [
    "a draft version that is not a time",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ version: "now" }) },
  ],
  [
    "a stale draft version",
    {
      method: "PUT",
      path: studioPath,
      as: "member",
      body: studioSave({ version: "2020-01-01T00:00:00.000Z" }),
      status: 409,
    },
  ],
  [
    "a 200,001-character draft",
    { method: "PUT", path: studioPath, as: "member", body: studioSave({ body: a(200_001) }) },
  ],
  [
    "Strapi's status on the studio list",
    { method: "GET", path: "/api/studio/articles?status=published", as: "member" },
  ],
  ["a null byte in a studio id", { method: "GET", path: "/api/studio/articles/%00?locale=en", as: "member" }],
  ["a studio locale that is not one", { method: "GET", path: () => studioPath().replace("=en", "=xx"), as: "member" }],
  ["a null byte in a preview id", { method: "GET", path: "/api/previews/%00?locale=en", as: "community" }],
  [
    "an answer with an unknown field",
    { method: "PUT", path: answerPath, as: "worker", body: { data: { status: "streaming", role: "question" } } },
  ],
];

describe("the bad-input catalogue", () => {
  it("has at least 60 inputs", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CATALOGUE)("refuses %s cleanly and writes nothing", async (_name, input) => {
    const token = { member: memberJwt, worker: String(env.CMS_WORKER_TOKEN) }[input.as as string];
    const body =
      input.raw ??
      (input.body === undefined
        ? undefined
        : JSON.stringify(typeof input.body === "function" ? input.body() : input.body));
    const before = await fingerprint();
    const path = typeof input.path === "function" ? input.path() : input.path;
    const response = await fetch(`${env.CMS_URL}${path}`, {
      method: input.method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(input.as === "community" ? { "x-inkstone-community": String(env.CMS_COMMUNITY_TOKEN) } : {}),
        ...input.headers,
      },
      body: body === undefined ? undefined : input.chunked ? streamOf(body) : body,
      ...(input.chunked ? { duplex: "half" } : {}),
    } as RequestInit);
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(input.status ?? 400);
    const error = JSON.parse(text).error;
    expect(error.message, text.slice(0, 300)).toBeTruthy();
    expect(error.status).toBe(response.status);
    expect(await fingerprint()).toEqual(before);
  });
});

describe("the body limit", () => {
  it("refuses a body that declares 100 MB from its headers alone, before reading it, and writes nothing", async () => {
    const before = await fingerprint();
    // A raw socket: the answer comes while the body is still unsent, and the connection is cut after it.
    const answer = await new Promise<string>((resolve, reject) => {
      const url = new URL(String(env.CMS_URL));
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /api/comments HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${memberJwt}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"data":',
        );
      });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk;
        if (received.includes("\r\n\r\n{")) socket.destroy();
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain("PayloadTooLargeError");
    expect(await fingerprint()).toEqual(before);
  });
});

/** `body` as a stream in 64 KB pieces, which fetch sends chunked, without a Content-Length. */
function streamOf(body: string | Buffer): ReadableStream<Uint8Array> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}
