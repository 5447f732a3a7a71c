// Who may call which CMS route: every caller against every route, each cell asserting the status and, for a write
// that must be refused, that nothing in the database changed. Drafts stay unreachable whatever the query says.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CallInit, type CmsApi, cmsApi, draft, PASSWORD } from "./cms-api.ts";
import { formWith, photoWithGps, type TestFile } from "./uploads-support.ts";

type CallerName =
  | "anonymous"
  | "member"
  | "otherMember"
  | "blockedMember"
  | "editor"
  | "communityToken"
  | "workerToken"
  | "communityHeader"
  | "memberViaCommunity";
const CALLERS: CallerName[] = [
  "anonymous",
  "member",
  "otherMember",
  "blockedMember",
  "editor",
  "communityToken",
  "workerToken",
  "communityHeader",
  "memberViaCommunity",
];

/** An origin the operator allowed in CMS_CORS_ORIGINS. */
const ALLOWED_ORIGIN = "https://admin.example.test";

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;
const callers = {} as Record<CallerName, Pick<CallInit, "token" | "community">>;
const ids = {
  member: "",
  otherMember: "",
  sessionOwner: "",
  publishedArticle: "",
  draftArticle: "",
  authorHandle: "",
  tag: "",
  category: "",
  profile: "",
  /** A file an editor uploaded to the media library. */
  file: 0,
};
/** A small photo, for every upload cell. */
let photo: TestFile;
/** Text only a draft holds: no answer to a content-API read may contain it. */
const DRAFT_ONLY = "Draft-only-marker";
const UNPUBLISHED_EDIT = "Unpublished-edit-marker";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const token = () => hex(32);
const runId = () => `run-authz-${hex(4)}`;

beforeAll(async () => {
  ({ env } = await startTestApps(["cms"], { CMS_CORS_ORIGINS: ALLOWED_ORIGIN }));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();

  const [member, other, blocked, author, owner] = await Promise.all(
    ["az-member", "az-other", "az-blocked", "az-author", "az-owner"].map((name) => api.signUp(name)),
  );
  if (!member || !other || !blocked || !author || !owner) throw new Error("expected five members");
  ids.member = member.user.documentId;
  ids.otherMember = other.user.documentId;
  ids.sessionOwner = owner.user.documentId;
  ids.authorHandle = author.user.username;
  expect((await api.setBlocked(blocked.user.documentId, true)).status).toBe(200);

  // A published article whose draft was edited since (the edit is unpublished), and a draft never published.
  const published = await api.saveDraft("run-authz-pub", draft(author.user.documentId, "run-authz-pub"));
  ids.publishedArticle = published.body.data.documentId;
  expect((await api.publish(ids.publishedArticle, "en")).status).toBe(200);
  const edited = draft(author.user.documentId, "run-authz-pub", { title: `${UNPUBLISHED_EDIT} title` });
  expect((await api.saveDraft("run-authz-pub", edited)).status).toBe(200);
  const secret = draft(author.user.documentId, "run-authz-draft", {
    title: `${DRAFT_ONLY} title`,
    body: `## Notes\n\n${DRAFT_ONLY}: a creator's private uploaded notes [1].\n`,
  });
  ids.draftArticle = (await api.saveDraft("run-authz-draft", secret)).body.data.documentId;

  const tags = await api.call("GET", "/api/tags");
  ids.tag = tags.body.data[0].documentId;
  const category = await api.admin("POST", "/content-manager/collection-types/api::category.category", {
    name: "Authorization",
    slug: "authorization",
  });
  ids.category = category.body.data.documentId;
  const profiles = await api.call("GET", `/api/profiles?filters[handle][$eq]=${ids.authorHandle}`);
  ids.profile = profiles.body.data[0].documentId;
  photo = await photoWithGps(400, 300);
  const uploaded = await api.call("POST", "/upload", {
    token: await api.editorToken(),
    body: formWith("files", photo),
  });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  ids.file = uploaded.body[0].id;

  Object.assign(callers, {
    anonymous: {},
    member: { token: member.jwt },
    otherMember: { token: other.jwt },
    blockedMember: { token: blocked.jwt },
    editor: { token: await api.editorToken() },
    communityToken: { token: String(env.CMS_COMMUNITY_TOKEN) },
    workerToken: { token: String(env.CMS_WORKER_TOKEN) },
    communityHeader: { community: true },
    memberViaCommunity: { token: member.jwt, community: true },
  });
});
afterAll(async () => {
  await db?.end();
});

/** Everything a refused write could have touched, in one row. */
const fingerprint = async () =>
  (
    await db.query(`SELECT
      (SELECT md5(coalesce(string_agg(id || ':' || document_id || ':' || title || ':' || coalesce(published_at::text, '') || ':' || coalesce(review_state, '') || ':' || coalesce(submitted_at::text, ''), ',' ORDER BY id), '')) FROM articles) AS articles,
      (SELECT md5(coalesce(string_agg(id || ':' || visibility || ':' || body || ':' || reports_count, ',' ORDER BY id), '')) FROM comments) AS comments,
      (SELECT count(*) FROM reactions) AS reactions,
      (SELECT count(*) FROM follows) AS follows,
      (SELECT md5(coalesce(string_agg(id || ':' || read, ',' ORDER BY id), '')) FROM notifications) AS notifications,
      (SELECT md5(coalesce(string_agg(id || ':' || display_name || ':' || coalesce(bio, ''), ',' ORDER BY id), '')) FROM profiles) AS profiles,
      (SELECT md5(coalesce(string_agg(id || ':' || username || ':' || email || ':' || password || ':' || coalesce(blocked, false), ',' ORDER BY id), '')) FROM up_users) AS users,
      (SELECT md5(coalesce(string_agg(token_hash, ',' ORDER BY id), '')) FROM member_sessions) AS sessions,
      (SELECT count(*) FROM inkstone_signin_failures) AS signin_failures,
      (SELECT count(*) FROM tags) AS tags,
      (SELECT count(*) FROM files) AS files,
      (SELECT count(*) FROM files_related_mph) AS file_links,
      (SELECT md5(coalesce(string_agg(id || ':' || title || ':' || last_activity_at, ',' ORDER BY id), '')) FROM conversations) AS conversations,
      (SELECT md5(coalesce(string_agg(id || ':' || status || ':' || coalesce(text, ''), ',' ORDER BY id), '')) FROM conversation_messages) AS conversation_messages`)
  ).rows[0];

/** A fresh comment by the member on the published article. */
const memberComment = async () => {
  const reply = await api.call("POST", "/api/comments", {
    ...callers.member,
    body: { data: { article: ids.publishedArticle, locale: "en", body: "A comment to act on." } },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data.id as string;
};
/** A fresh conversation of the member's, its answer queued or (`answered`) done; returns its id and its answer's. */
const memberConversation = async ({ answered = false } = {}) => {
  const reply = await api.call("POST", "/api/conversations", {
    ...callers.member,
    body: { data: { question: "A question to act on?", locale: "en" } },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  const answer = reply.body.data.answer.documentId as string;
  for (const status of answered ? ["streaming", "done"] : []) {
    const saved = await api.call("PUT", `/api/conversation-answers/${answer}`, {
      ...callers.workerToken,
      body: { data: { status, text: "An answer." } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }
  return { id: reply.body.data.conversation.documentId as string, answer };
};
/**
 * A fresh generated draft of the member's (saved by the worker), optionally submitted; returns its id and the
 * version the member's studio read it at (kept for the save cell's body).
 */
let draftVersion = "";
const memberDraft = async ({ submit = false } = {}) => {
  const run = runId();
  const saved = await api.saveDraft(run, draft(ids.member, run));
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const documentId = saved.body.data.documentId as string;
  const studio = `/api/studio/articles/${documentId}`;
  if (submit) expect((await api.call("POST", `${studio}/submit?locale=en`, callers.member)).status).toBe(200);
  draftVersion = (await api.call("GET", `${studio}?locale=en`, callers.member)).body.data.version;
  return documentId;
};
/** A fresh session of `userId`, recorded as the community does; returns its token hash. */
const session = async (userId: string) => {
  const tokenHash = token();
  const reply = await api.call("POST", "/api/member-sessions", {
    community: true,
    body: {
      data: { tokenHash, userId, sealedJwt: "sealed", expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return tokenHash;
};

type Expected = Record<CallerName, number>;
const table = (base: number, overrides: Partial<Expected> = {}): Expected => ({
  ...(Object.fromEntries(CALLERS.map((c) => [c, base])) as Expected),
  ...overrides,
});
/** A content-API token is checked before anything else: a blocked member's JWT and an admin JWT are refused. */
const BAD_TOKENS = { blockedMember: 401, editor: 401 } as const;
/** Published content: anyone, the community's token, and a member. */
const PUBLIC = (ok: number) => table(ok, { ...BAD_TOKENS, workerToken: 403 });
/** A member acting as themselves (the community passes their JWT). */
const MEMBER = (ok: number) => table(403, { ...BAD_TOKENS, member: ok, otherMember: ok, memberViaCommunity: ok });
/** A member acting on their own row only. */
const OWNER = (ok: number) => ({ ...MEMBER(ok), otherMember: 403 });
const WORKER = (ok: number) => table(403, { ...BAD_TOKENS, workerToken: ok });
/** A member's own conversation: to anyone else it does not exist. */
const CONVERSATION_OWNER = (ok: number) => ({ ...MEMBER(ok), otherMember: 404 });
/** A member's own draft in the studio: to anyone else it does not exist. */
const STUDIO_OWNER = (ok: number) => ({ ...MEMBER(ok), otherMember: 404 });
/** The draft behind a preview link: the community's API token only. */
const COMMUNITY_TOKEN_ONLY = (ok: number) => table(403, { ...BAD_TOKENS, communityToken: ok });
/** The community's door (`auth: false` + the community-only policy): no token is even looked at. */
const DOOR = (ok: number) => table(403, { communityHeader: ok, memberViaCommunity: ok });
/**
 * users-permissions' sign-in, sign-up, password, e-mail and OAuth routes: open to Public in users-permissions, so
 * a token is checked first (and a member's role may not use them), then the door.
 */
const DOOR_ANONYMOUS = (ok: number) => table(403, { ...BAD_TOKENS, communityHeader: ok });
/** users-permissions routes that also want a signed-in member: the token is checked first, then the door. */
const DOOR_AS_MEMBER = (ok: number) => table(403, { ...BAD_TOKENS, memberViaCommunity: ok });
const CLOSED = table(403, BAD_TOKENS);
/** The admin panel's API: an editor's admin JWT, nothing else (a content-API token is no admin token). */
const ADMIN = (ok: number) => table(401, { editor: ok });

type Route = {
  name: string;
  method: string;
  /** Builds the path (and any per-cell fixture, such as a fresh comment to delete). */
  path: () => string | Promise<string>;
  body?: () => unknown;
  /** Whether the route writes: a refused call must then leave the database as it was. */
  writes?: boolean;
  expected: Expected;
};

const ROUTES: Route[] = [
  { name: "find articles", method: "GET", path: () => "/api/articles?locale=en", expected: PUBLIC(200) },
  {
    name: "findOne article",
    method: "GET",
    path: () => `/api/articles/${ids.publishedArticle}?locale=en`,
    expected: PUBLIC(200),
  },
  {
    name: "findOne draft",
    method: "GET",
    path: () => `/api/articles/${ids.draftArticle}?locale=en&status=draft`,
    expected: PUBLIC(404),
  },
  { name: "find tags", method: "GET", path: () => "/api/tags", expected: PUBLIC(200) },
  { name: "findOne tag", method: "GET", path: () => `/api/tags/${ids.tag}`, expected: PUBLIC(200) },
  { name: "find categories", method: "GET", path: () => "/api/categories", expected: PUBLIC(200) },
  { name: "findOne category", method: "GET", path: () => `/api/categories/${ids.category}`, expected: PUBLIC(200) },
  { name: "find profiles", method: "GET", path: () => "/api/profiles", expected: PUBLIC(200) },
  { name: "findOne profile", method: "GET", path: () => `/api/profiles/${ids.profile}`, expected: PUBLIC(200) },
  {
    name: "list comments",
    method: "GET",
    path: () => `/api/comments?article=${ids.publishedArticle}&locale=en`,
    expected: PUBLIC(200),
  },
  {
    name: "create comment",
    method: "POST",
    path: () => "/api/comments",
    body: () => ({ data: { article: ids.publishedArticle, locale: "en", body: "Matrix comment" } }),
    writes: true,
    expected: MEMBER(201),
  },
  {
    name: "update comment",
    method: "PUT",
    path: async () => `/api/comments/${await memberComment()}`,
    body: () => ({ data: { body: "Changed by the matrix" } }),
    writes: true,
    expected: OWNER(200),
  },
  {
    name: "delete comment",
    method: "DELETE",
    path: async () => `/api/comments/${await memberComment()}`,
    writes: true,
    expected: OWNER(200),
  },
  {
    name: "report comment",
    method: "POST",
    path: async () => `/api/comments/${await memberComment()}/report`,
    writes: true,
    expected: MEMBER(200),
  },
  {
    name: "set reaction",
    method: "PUT",
    path: () => "/api/reactions",
    body: () => ({ data: { article: ids.publishedArticle, kind: "bookmark", active: true } }),
    writes: true,
    expected: MEMBER(200),
  },
  { name: "my reactions", method: "GET", path: () => "/api/reactions/mine", expected: MEMBER(200) },
  {
    name: "set follow",
    method: "PUT",
    path: () => "/api/follows",
    body: () => ({ data: { targetType: "author", target: ids.authorHandle, active: true } }),
    writes: true,
    expected: MEMBER(200),
  },
  { name: "my follows", method: "GET", path: () => "/api/follows/mine", expected: MEMBER(200) },
  { name: "my notifications", method: "GET", path: () => "/api/notifications/mine", expected: MEMBER(200) },
  {
    name: "read notifications",
    method: "POST",
    path: () => "/api/notifications/read",
    body: () => ({ data: { all: true } }),
    writes: true,
    expected: MEMBER(200),
  },
  { name: "following feed", method: "GET", path: () => "/api/feed/following?locale=en", expected: MEMBER(200) },
  { name: "my profile", method: "GET", path: () => "/api/profiles/me", expected: MEMBER(200) },
  { name: "my state", method: "GET", path: () => "/api/members/me/state", expected: MEMBER(200) },
  {
    name: "update my profile",
    method: "PUT",
    path: () => "/api/profiles/me",
    body: () => ({ data: { bio: `Bio ${hex(3)}` } }),
    writes: true,
    expected: MEMBER(200),
  },
  {
    name: "set my avatar",
    method: "POST",
    path: () => "/api/profiles/me/avatar",
    body: () => formWith("avatar", photo),
    writes: true,
    expected: MEMBER(200),
  },
  {
    name: "remove my avatar",
    method: "DELETE",
    path: () => "/api/profiles/me/avatar",
    writes: true,
    expected: MEMBER(200),
  },
  // Strapi's own upload routes: nobody, whatever a role is given (members use the avatar route, editors the admin).
  {
    name: "upload a file (content API)",
    method: "POST",
    path: () => "/api/upload",
    body: () => formWith("files", photo),
    writes: true,
    expected: CLOSED,
  },
  { name: "list files (content API)", method: "GET", path: () => "/api/upload/files", expected: CLOSED },
  { name: "read a file (content API)", method: "GET", path: () => `/api/upload/files/${ids.file}`, expected: CLOSED },
  {
    name: "delete a file (content API)",
    method: "DELETE",
    path: () => `/api/upload/files/${ids.file}`,
    writes: true,
    expected: CLOSED,
  },
  {
    name: "upload to the media library (admin)",
    method: "POST",
    path: () => "/upload",
    body: () => formWith("files", photo),
    writes: true,
    expected: ADMIN(201),
  },
  { name: "my conversations", method: "GET", path: () => "/api/conversations", expected: MEMBER(200) },
  {
    name: "start a conversation",
    method: "POST",
    path: () => "/api/conversations",
    body: () => ({ data: { question: "What does the matrix ask?", locale: "en" } }),
    writes: true,
    expected: MEMBER(201),
  },
  {
    name: "read a conversation",
    method: "GET",
    path: async () => `/api/conversations/${(await memberConversation()).id}`,
    expected: CONVERSATION_OWNER(200),
  },
  {
    name: "rename a conversation",
    method: "PUT",
    path: async () => `/api/conversations/${(await memberConversation()).id}`,
    body: () => ({ data: { title: "Renamed by the matrix" } }),
    writes: true,
    expected: CONVERSATION_OWNER(200),
  },
  {
    name: "delete a conversation",
    method: "DELETE",
    path: async () => `/api/conversations/${(await memberConversation()).id}`,
    writes: true,
    expected: CONVERSATION_OWNER(200),
  },
  {
    name: "ask a follow-up",
    method: "POST",
    path: async () => `/api/conversations/${(await memberConversation({ answered: true })).id}/messages`,
    body: () => ({ data: { question: "And then?" } }),
    writes: true,
    expected: CONVERSATION_OWNER(201),
  },
  {
    name: "take back a question",
    method: "DELETE",
    path: async () => {
      const { id, answer } = await memberConversation();
      return `/api/conversations/${id}/answers/${answer}`;
    },
    writes: true,
    expected: CONVERSATION_OWNER(200),
  },
  { name: "studio: my articles", method: "GET", path: () => "/api/studio/articles", expected: MEMBER(200) },
  {
    name: "studio: read a draft",
    method: "GET",
    path: async () => `/api/studio/articles/${await memberDraft()}?locale=en`,
    expected: STUDIO_OWNER(200),
  },
  {
    name: "studio: save a draft",
    method: "PUT",
    path: async () => `/api/studio/articles/${await memberDraft()}?locale=en`,
    body: () => ({
      data: {
        title: "Saved by the matrix",
        summary: "",
        body: "Cited [1].",
        sources: [{ title: "A source", url: "https://example.org/a", excerpt: "" }],
        version: draftVersion,
      },
    }),
    writes: true,
    expected: STUDIO_OWNER(200),
  },
  {
    name: "studio: submit a draft",
    method: "POST",
    path: async () => `/api/studio/articles/${await memberDraft()}/submit?locale=en`,
    writes: true,
    expected: STUDIO_OWNER(200),
  },
  {
    name: "studio: withdraw a submission",
    method: "POST",
    path: async () => `/api/studio/articles/${await memberDraft({ submit: true })}/withdraw?locale=en`,
    writes: true,
    expected: STUDIO_OWNER(200),
  },
  {
    name: "preview a draft",
    method: "GET",
    path: async () => `/api/previews/${await memberDraft()}?locale=en`,
    expected: COMMUNITY_TOKEN_ONLY(200),
  },
  {
    name: "creator status",
    method: "GET",
    path: () => `/api/generation/creators/${ids.member}`,
    expected: WORKER(200),
  },
  {
    name: "save draft",
    method: "PUT",
    path: () => `/api/generation/drafts/run-authz-cell`,
    body: () => ({ data: draft(ids.member, "run-authz-cell", { tags: [`tag-${hex(3)}`] }) }),
    writes: true,
    expected: WORKER(200),
  },
  {
    name: "report failure",
    method: "POST",
    path: () => `/api/generation/runs/${runId()}/failed`,
    body: () => ({ data: { creatorId: ids.member, topic: "A topic", reason: "The matrix failed it." } }),
    writes: true,
    expected: WORKER(200),
  },
  {
    name: "read an answer",
    method: "GET",
    path: async () => `/api/conversation-answers/${(await memberConversation()).answer}`,
    expected: WORKER(200),
  },
  {
    name: "save an answer",
    method: "PUT",
    path: async () => `/api/conversation-answers/${(await memberConversation()).answer}`,
    body: () => ({ data: { status: "streaming", text: "Being written" } }),
    writes: true,
    expected: WORKER(200),
  },
  {
    name: "create session",
    method: "POST",
    path: () => "/api/member-sessions",
    body: () => ({
      data: {
        tokenHash: token(),
        userId: ids.sessionOwner,
        sealedJwt: "sealed",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    }),
    writes: true,
    expected: DOOR(201),
  },
  {
    name: "list sessions",
    method: "GET",
    path: () => `/api/member-sessions?userId=${ids.sessionOwner}`,
    expected: DOOR(200),
  },
  {
    name: "read session",
    method: "GET",
    path: async () => `/api/member-sessions/${await session(ids.sessionOwner)}`,
    expected: DOOR(200),
  },
  {
    name: "end session",
    method: "DELETE",
    path: async () => `/api/member-sessions/${await session(ids.sessionOwner)}`,
    writes: true,
    expected: DOOR(204),
  },
  {
    name: "end all sessions",
    method: "DELETE",
    path: async () => {
      await session(ids.sessionOwner);
      return `/api/member-sessions?userId=${ids.sessionOwner}`;
    },
    writes: true,
    expected: DOOR(200),
  },
  {
    name: "sign in",
    method: "POST",
    path: () => "/api/auth/local",
    body: () => ({ identifier: "az-other", password: PASSWORD }),
    writes: true,
    expected: DOOR_ANONYMOUS(200),
  },
  {
    name: "sign up",
    method: "POST",
    path: () => "/api/auth/local/register",
    body: () => {
      const username = `az-new-${hex(4)}`;
      return { username, email: `${username}@example.test`, password: PASSWORD };
    },
    writes: true,
    expected: DOOR_ANONYMOUS(200),
  },
  {
    name: "forgot password",
    method: "POST",
    path: () => "/api/auth/forgot-password",
    body: () => ({ email: "az-other@example.test" }),
    writes: true,
    expected: CLOSED,
  },
  {
    name: "reset password",
    method: "POST",
    path: () => "/api/auth/reset-password",
    body: () => ({ code: "not-a-code", password: "Another-Passw0rd", passwordConfirmation: "Another-Passw0rd" }),
    writes: true,
    expected: CLOSED,
  },
  {
    name: "confirm e-mail",
    method: "GET",
    path: () => "/api/auth/email-confirmation?confirmation=not-a-code",
    expected: CLOSED,
  },
  {
    name: "change password",
    method: "POST",
    path: () => "/api/auth/change-password",
    body: () => ({
      currentPassword: "not-the-password",
      password: "Another-Passw0rd",
      passwordConfirmation: "Another-Passw0rd",
    }),
    writes: true,
    expected: CLOSED,
  },
  { name: "mail preferences", method: "GET", path: () => "/api/accounts/me/mail-preferences", expected: MEMBER(200) },
  {
    name: "save mail preferences",
    method: "PUT",
    path: () => "/api/accounts/me/mail-preferences",
    body: () => ({ data: { follows: "never" } }),
    writes: true,
    expected: MEMBER(200),
  },
  { name: "export account", method: "GET", path: () => "/api/accounts/me/export", expected: MEMBER(200) },
  {
    name: "ask for a password reset",
    method: "POST",
    path: () => "/api/accounts/password-reset",
    body: () => ({ data: { email: "az-other@example.test", locale: "en" } }),
    writes: true,
    expected: DOOR(202),
  },
  {
    name: "check a link",
    method: "POST",
    path: () => "/api/accounts/links/check",
    body: () => ({ data: { token: "x".repeat(43), purpose: "password-reset" } }),
    expected: DOOR(200),
  },
  {
    name: "unsubscribe with an altered token",
    method: "POST",
    path: () => "/api/accounts/unsubscribe",
    body: () => ({ data: { token: "abc.replies.0123456789abcdef0123456789abcdef" } }),
    writes: true,
    expected: DOOR(400),
  },
  { name: "OAuth connect", method: "GET", path: () => "/api/connect/github", expected: DOOR_ANONYMOUS(400) },
  { name: "users/me", method: "GET", path: () => "/api/users/me", expected: DOOR_AS_MEMBER(200) },
  { name: "find users", method: "GET", path: () => "/api/users", expected: CLOSED },
  { name: "findOne user", method: "GET", path: () => `/api/users/${ids.otherMember}`, expected: CLOSED },
  {
    name: "update user",
    method: "PUT",
    path: () => `/api/users/${ids.otherMember}`,
    body: () => ({ blocked: true, username: "taken-over" }),
    writes: true,
    expected: CLOSED,
  },
  {
    name: "delete user",
    method: "DELETE",
    path: () => `/api/users/${ids.otherMember}`,
    writes: true,
    expected: CLOSED,
  },
  { name: "roles", method: "GET", path: () => "/api/users-permissions/roles", expected: CLOSED },
];

const cells = ROUTES.flatMap((route) => CALLERS.map((caller) => [route.name, caller, route] as const));

describe("the authorization matrix", () => {
  it.each(cells)("%s as %s", async (_name, caller, route) => {
    const path = await route.path();
    const before = route.writes ? await fingerprint() : undefined;
    const reply = await api.call(route.method, path, { ...callers[caller], body: route.body?.() });
    const wanted = route.expected[caller];
    expect(reply.status, `${route.method} ${path} as ${caller}: ${JSON.stringify(reply.body)}`).toBe(wanted);
    if (route.writes && wanted >= 300) expect(await fingerprint()).toEqual(before);
    // No answer to anyone carries a draft.
    const text = JSON.stringify(reply.body ?? "");
    expect(text).not.toContain(DRAFT_ONLY);
    expect(text).not.toContain(UNPUBLISHED_EDIT);
  });
});

/** Every way a query could ask for drafts; each must read published versions only. */
const DRAFT_PARAMETERS = [
  "",
  "status=draft",
  "status=evil",
  "status[]=draft",
  "status[0]=draft&status[1]=published",
  "status[$ne]=published",
  "status=DRAFT",
  "publicationState=preview",
  "hasPublishedVersion=false",
  "hasPublishedVersion=true",
  "publicationFilter=never-published",
  "publicationFilter=has-published-version",
  "filters[publishedAt][$null]=true",
  "filters[$or][0][publishedAt][$null]=true&filters[$or][1][publishedAt][$notNull]=true",
  "locale=*&status=draft",
];
/** Reads that reach articles through a relation. */
const RELATION_READS = [
  "/api/tags?populate[articles]=true",
  "/api/categories?populate[articles]=true",
  "/api/profiles?populate[articles]=true",
  "/api/articles?locale=en&populate[author][populate][articles]=true",
  "/api/articles?locale=en&populate[tags][populate][articles]=true",
];

const withLocale = (query: string) => (query.includes("locale=") ? query : `locale=en&${query}`);
const asksForUnpublished = (query: string) => query === "filters[publishedAt][$null]=true";

describe("published means published", () => {
  const readers = CALLERS.filter((c) => PUBLIC(200)[c] === 200);

  it.each(DRAFT_PARAMETERS.flatMap((q) => readers.map((c) => [q, c] as const)))(
    "find articles with `%s` as %s lists published versions only",
    async (query, caller) => {
      const reply = await api.call("GET", `/api/articles?${withLocale(query)}`, callers[caller]);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const listed = (reply.body.data as { documentId: string; publishedAt: string | null }[]).map((a) => a.documentId);
      // Asking for unpublished rows only finds none; anything else finds the published article.
      if (asksForUnpublished(query)) expect(listed).toEqual([]);
      else expect(listed).toContain(ids.publishedArticle);
      expect(listed).not.toContain(ids.draftArticle);
      for (const article of reply.body.data) expect(article.publishedAt).not.toBeNull();
      expect(JSON.stringify(reply.body)).not.toContain(UNPUBLISHED_EDIT);
    },
  );

  // findOne reads one locale: `locale=*` is a list's parameter.
  const oneLocale = DRAFT_PARAMETERS.filter((q) => !q.includes("locale="));
  it.each(oneLocale.flatMap((q) => readers.map((c) => [q, c] as const)))(
    "findOne with `%s` as %s: the draft is not found, the published version is what is read",
    async (query, caller) => {
      const hidden = await api.call("GET", `/api/articles/${ids.draftArticle}?${withLocale(query)}`, callers[caller]);
      expect(hidden.status, JSON.stringify(hidden.body)).toBe(404);
      const shown = await api.call(
        "GET",
        `/api/articles/${ids.publishedArticle}?${withLocale(query)}`,
        callers[caller],
      );
      if (asksForUnpublished(query)) expect(shown.status).toBe(404);
      else {
        expect(shown.status, JSON.stringify(shown.body)).toBe(200);
        expect(shown.body.data.title).not.toContain(UNPUBLISHED_EDIT);
      }
    },
  );

  it.each(RELATION_READS.flatMap((path) => ["", "&status=draft"].map((q) => [`${path}${q}`] as const)))(
    "%s carries no draft through a relation",
    async (path) => {
      const reply = await api.call("GET", path);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain(DRAFT_ONLY);
      expect(text).not.toContain(UNPUBLISHED_EDIT);
    },
  );

  it("still shows editors the draft and the unpublished edit in the admin panel", async () => {
    const base = "/content-manager/collection-types/api::article.article";
    const secret = await api.admin("GET", `${base}/${ids.draftArticle}?locale=en`);
    expect(secret.status).toBe(200);
    expect(secret.body.data.title).toContain(DRAFT_ONLY);
    const edit = await api.admin("GET", `${base}/${ids.publishedArticle}?locale=en&status=draft`);
    expect(edit.body.data.title).toContain(UNPUBLISHED_EDIT);
  });
});

describe("browsers", () => {
  const cors = async (path: string, origin: string, method = "GET") => {
    const response = await fetch(`${env.CMS_URL}${path}`, {
      method,
      headers: { origin, ...(method === "OPTIONS" ? { "access-control-request-method": "POST" } : {}) },
    });
    await response.arrayBuffer();
    return {
      origin: response.headers.get("access-control-allow-origin"),
      credentials: response.headers.get("access-control-allow-credentials"),
    };
  };
  const own = () => new URL(String(env.CMS_PUBLIC_URL ?? env.CMS_URL)).origin;

  it.each([
    ["/api/articles", "GET"],
    ["/admin/login", "OPTIONS"],
    ["/admin/users/me", "GET"],
  ])("answers %s (%s) with CORS for the CMS's own origin and CMS_CORS_ORIGINS only", async (path, method) => {
    expect(await cors(path, own(), method)).toEqual({ origin: own(), credentials: "true" });
    expect(await cors(path, ALLOWED_ORIGIN, method)).toEqual({ origin: ALLOWED_ORIGIN, credentials: "true" });
    for (const stranger of ["https://evil.example", "http://localhost:4321", "null"])
      expect((await cors(path, stranger, method)).origin ?? "").toBe("");
  });

  it("sets the admin's refresh cookie SameSite=Strict", async () => {
    const response = await fetch(`${env.CMS_URL}/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie().filter((c) => c.startsWith("strapi_admin_refresh="));
    expect(cookies).not.toEqual([]);
    for (const cookie of cookies) expect(cookie.toLowerCase()).toContain("samesite=strict");
  });
});
