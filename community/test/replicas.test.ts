import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, PASSWORD } from "../../cms/test/cms-api.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type Published, publishArticle } from "./support/content.ts";
import { onReplica, startAnotherReplica } from "./support/replicas.ts";
import { addressedVisitor, nextTestAddress, type Reply, type Visitor } from "./support/visitor.ts";
import { signedEvent } from "./support/webhook.ts";

// Two community replicas against one CMS and one shared store, as a deployment behind a load balancer runs them:
// both trust the loopback as their proxy, so each visitor's X-Forwarded-For is its address. The CMS's webhook
// reaches only replica A (its COMMUNITY_URL); whatever B learns of a change, it learns through the store.

const json = { accept: "application/json" };
const WRITER = "replica-writer";

let envA: StackEnv;
let A: string;
let B: string;
let api: CmsApi;
let store: pg.Client;
let writerId: string;
/** One published article per test, so no test's changes reach another's cached pages. */
const ARTICLES = ["edited", "personal", "thread", "isolated", "webhook"] as const;
let articles: Record<(typeof ARTICLES)[number], Published>;

beforeAll(async () => {
  ({ env: envA } = await startTestApps(["cms", "community"], { TRUSTED_PROXIES: "127.0.0.1,::1" }));
  const envB = await startAnotherReplica(envA);
  A = String(envA.COMMUNITY_URL);
  B = String(envB.COMMUNITY_URL);
  expect(A).not.toBe(B);
  api = cmsApi(envA);
  store = new pg.Client({ connectionString: String(envA.COMMUNITY_DATABASE_URL) });
  await store.connect();
  writerId = (await api.signUp(WRITER)).user.documentId;
  const published: Partial<typeof articles> = {};
  for (const name of ARTICLES)
    published[name] = await publishArticle(api, writerId, `replicas-${name}`, {
      title: `Replicas: ${name}`,
      summary: `What the ${name} article said first.`,
    });
  articles = published as typeof articles;
});
afterAll(async () => {
  await store?.end();
});

const visitor = addressedVisitor;
const pathOf = (article: Published) => `/en/a/${article.slug}`;

type Member = { name: string; handle: string; visitor: Visitor };

/** A new member, signed up on the replica at `base` from an address of their own. */
async function join(name: string, base: string): Promise<Member> {
  const v = visitor(base);
  const reply = await v.post(
    "/api/auth/signup",
    { username: name, email: `${name}@example.test`, password: PASSWORD, next: "/en/" },
    json,
  );
  expect(reply.status, reply.text).toBe(200);
  return { name, handle: JSON.parse(reply.text).data.handle, visitor: v };
}

/** Another session of `member`, signed in on the replica at `base`. */
async function signIn(member: Member, base: string): Promise<Visitor> {
  const v = visitor(base);
  const reply = await v.post("/api/auth/signin", { identifier: member.name, password: PASSWORD, next: "/en/" }, json);
  expect(reply.status, reply.text).toBe(200);
  return v;
}

/** A member's action (a like, a follow, a comment) as a script sends it; returns the answer's data. */
async function act(v: Visitor, path: string, fields: Record<string, string>): Promise<Record<string, unknown>> {
  const reply = await v.post(path, fields, json);
  expect(reply.status, `${v.base}${path}: ${reply.text}`).toBe(200);
  return JSON.parse(reply.text).data;
}

/** The label of the toggle button `testId` (like, bookmark, follow): it says what pressing does. */
const toggle = (html: string, testId: string) =>
  html.match(new RegExp(`data-testid="${testId}">([^<]*)</button>`))?.[1];

/** Deliveries of the CMS's webhook the replicas have acted on (each is stored under its id and its signature). */
async function accepted(): Promise<number> {
  const { rows } = await store.query(
    "SELECT count(*)::int AS n FROM webhook_deliveries WHERE accepted AND key LIKE 'delivery:%'",
  );
  return rows[0].n;
}

/**
 * Waits until the CMS's webhook has gone quiet (no delivery acted on for 400 ms): one still on its way would drop
 * cached pages in the middle of a test that counts on them.
 */
async function webhooksSettled(): Promise<void> {
  let before = await accepted();
  for (let i = 0; i < 25; i++) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const now = await accepted();
    if (now === before) return;
    before = now;
  }
  throw new Error("the CMS's webhook deliveries did not settle within 10 s");
}

/** A cached page on `v`'s replica: rendered once, then served from its page cache. */
async function warm(v: Visitor, path: string): Promise<Reply> {
  await v.get(path);
  const page = await v.get(path);
  expect(page.status).toBe(200);
  expect(page.headers.get("x-cache"), `${v.base}${path}`).toBe("HIT");
  return page;
}

const deliver = (base: string, signed: { body: string; headers: Record<string, string> }) =>
  fetch(`${base}/api/revalidate`, { method: "POST", body: signed.body, headers: signed.headers });

describe("rate limits", () => {
  it("count across replicas: the 11th sign-up from one address is refused whichever replica gets it", async () => {
    const address = nextTestAddress();
    for (let i = 0; i < 10; i++) {
      const base = i % 2 === 0 ? A : B;
      const reply = await visitor(base, address).post(
        "/api/auth/signup",
        { username: `burst-${i}`, email: `burst-${i}@example.test`, password: PASSWORD, next: "/en/" },
        json,
      );
      expect(reply.status, `sign-up ${i + 1} on ${base}: ${reply.text}`).toBe(200);
    }
    for (const base of [A, B]) {
      const refused = await visitor(base, address).post(
        "/api/auth/signup",
        { username: "burst-eleven", email: "burst-eleven@example.test", password: PASSWORD, next: "/en/" },
        json,
      );
      expect(refused.status, `${base}: ${refused.text}`).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.text).error).toMatchObject({ code: "rate_limited", message: expect.any(String) });
    }
    // The limit is the address's, not everyone's.
    const elsewhere = await visitor(B).post(
      "/api/auth/signup",
      { username: "burst-elsewhere", email: "burst-elsewhere@example.test", password: PASSWORD, next: "/en/" },
      json,
    );
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });
});

describe("a change in the CMS", () => {
  it("drops the page on both replicas, for visitors and members, though its webhook reaches only one", async () => {
    const article = articles.edited;
    const path = pathOf(article);
    await webhooksSettled();
    const onA = await warm(visitor(A), path);
    const onB = await warm(visitor(B), path);
    for (const page of [onA, onB]) expect(page.text).toContain("What the edited article said first.");
    // A member's copy: the shared member shell of this page, kept on each replica after its first render.
    const member = await join("reads-edits", A);
    for (const v of [member.visitor, onReplica(member.visitor, B)])
      for (let i = 0; i < 2; i++) expect((await v.get(path)).text).toContain("What the edited article said first.");

    const edit = await api.admin(
      "PUT",
      `/content-manager/collection-types/api::article.article/${article.documentId}?locale=en`,
      { summary: "What an editor wrote since." },
    );
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect((await api.publish(article.documentId, "en")).status).toBe(200);

    const reader = visitor(B);
    await expect
      .poll(async () => (await reader.get(path)).text, { timeout: 2000, interval: 50 })
      .toContain("What an editor wrote since.");
    const memberOnB = onReplica(member.visitor, B);
    await expect
      .poll(async () => (await memberOnB.get(path)).text, { timeout: 2000, interval: 50 })
      .toContain("What an editor wrote since.");
    expect((await member.visitor.get(path)).text).toContain("What an editor wrote since.");
    // Once the CMS's deliveries (the edit, then the publish) are in, both replicas keep the new page.
    await webhooksSettled();
    for (const base of [A, B]) {
      const kept = await warm(visitor(base), path);
      expect(kept.text).toContain("What an editor wrote since.");
      expect(kept.text).not.toContain("What the edited article said first.");
    }
  });
});

describe("sessions", () => {
  it("signing out on one replica ends the session on the other: at once for the browser, soon for a copied cookie", async () => {
    const member = await join("leaves-early", A);
    const onB = onReplica(member.visitor, B);
    const copied = member.visitor.copy().at(B);
    // B has looked the session up, and keeps it.
    for (let i = 0; i < 2; i++) expect((await onB.get("/en/settings")).status).toBe(200);
    expect((await copied.get("/en/settings")).status).toBe(200);

    const out = await member.visitor.post("/api/auth/signout", { next: "/en/" });
    expect(out.status).toBe(303);
    expect(member.visitor.cookie("inkstone_session")).toBeUndefined();
    const after = await onB.get("/en/settings");
    expect(after.status).toBe(303);
    expect(after.location).toBe("/en/signin?next=%2Fen%2Fsettings");

    // A copy of the cookie carries nothing of the browser's: B drops the session as the change channel tells it,
    // within milliseconds.
    await expect.poll(async () => (await copied.get("/en/settings")).status, { timeout: 2000, interval: 20 }).toBe(303);
    expect(copied.cookie("inkstone_session")).toBeUndefined();
  });

  it("signing out everywhere on one replica ends the member's sessions used on the other", async () => {
    const member = await join("many-devices", A);
    const laptop = await signIn(member, B);
    const phoneOnB = onReplica(member.visitor, B);
    for (const v of [laptop, phoneOnB, member.visitor]) expect((await v.get("/en/settings")).status).toBe(200);

    const others = await act(member.visitor, "/api/auth/signout-everywhere", { scope: "others" });
    expect(others).toEqual({ ended: 1 });
    // Another device carries nothing of this browser's: replica B drops the session as the change channel tells it,
    // within milliseconds (the member's own browser, below, carries the change's number and is never early).
    await expect.poll(async () => (await laptop.get("/en/settings")).status, { timeout: 2000, interval: 20 }).toBe(303);
    // The session that asked stays, on both replicas.
    expect((await phoneOnB.get("/en/settings")).status).toBe(200);
    expect((await member.visitor.get("/en/settings")).status).toBe(200);

    // And from the other side: everywhere, this one included, asked on B, ends it on A.
    const all = await act(phoneOnB, "/api/auth/signout-everywhere", { scope: "all" });
    expect(all).toEqual({ ended: 1 });
    const onA = await member.visitor.get("/en/settings");
    expect(onA.status).toBe(303);
    expect(member.visitor.cookie("inkstone_session")).toBeUndefined();
  });
});

describe("read-your-writes across replicas", () => {
  it("a like, bookmark or follow made on one replica shows on the member's very next page on the other", async () => {
    const article = articles.personal;
    const path = pathOf(article);
    const member = await join("reads-own", A);
    const onB = onReplica(member.visitor, B);
    const buttons = async () => {
      const page = await onB.get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      return ["like", "bookmark", "follow"].map((id) => toggle(page.text, id));
    };
    // B now keeps the member's personal state.
    for (let i = 0; i < 2; i++) expect(await buttons()).toEqual(["Like", "Bookmark", `Follow ${WRITER}`]);

    // A bookmark made in the CMS behind the community's back: B goes on showing what it keeps, so what B shows
    // next is down to the replicas telling each other.
    const signedIn = await api.signIn(member.name);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const bookmarked = await api.call("PUT", "/api/reactions", {
      token: signedIn.body.jwt,
      body: { data: { article: article.documentId, kind: "bookmark", active: true } },
    });
    expect(bookmarked.status, JSON.stringify(bookmarked.body)).toBe(200);
    expect(await buttons()).toEqual(["Like", "Bookmark", `Follow ${WRITER}`]);

    const liked = { article: article.documentId, kind: "like" };
    await act(member.visitor, "/api/reactions", { ...liked, active: "true" });
    expect(await buttons()).toEqual(["Unlike", "Remove bookmark", `Follow ${WRITER}`]);
    const bookmark = { article: article.documentId, kind: "bookmark" };
    await act(member.visitor, "/api/reactions", { ...bookmark, active: "false" });
    expect(await buttons()).toEqual(["Unlike", "Bookmark", `Follow ${WRITER}`]);
    await act(member.visitor, "/api/reactions", { ...bookmark, active: "true" });
    expect(await buttons()).toEqual(["Unlike", "Remove bookmark", `Follow ${WRITER}`]);
    await act(member.visitor, "/api/follows", { targetType: "author", target: WRITER, active: "true" });
    expect(await buttons()).toEqual(["Unlike", "Remove bookmark", `Unfollow ${WRITER}`]);
    await act(member.visitor, "/api/reactions", { ...liked, active: "false" });
    expect(await buttons()).toEqual(["Like", "Remove bookmark", `Unfollow ${WRITER}`]);
  });

  it("a comment posted on one replica shows on the other: to its author at once, to others within 2 s", async () => {
    const article = articles.thread;
    const path = pathOf(article);
    const poster = await join("posts-on-a", A);
    const other = await join("reads-on-b", B);
    const anonymous = visitor(B);
    await webhooksSettled();
    // B holds the thread: in its data cache (members' pages) and its page cache (anonymous readers).
    expect((await other.visitor.get(path)).status).toBe(200);
    await warm(anonymous, path);
    const posterOnB = onReplica(poster.visitor, B);
    expect((await posterOnB.get(path)).status).toBe(200);

    const body = "Seen from every replica.";
    const { id } = await act(poster.visitor, "/api/comments", {
      article: article.documentId,
      locale: "en",
      body,
      next: path,
    });
    const shown = `id="comment-${id}"`;
    const own = await posterOnB.get(path);
    expect(own.text).toContain(shown);
    expect(own.text).toContain(body);
    for (const v of [other.visitor, anonymous])
      await expect.poll(async () => (await v.get(path)).text, { timeout: 2000, interval: 50 }).toContain(shown);
  });
});

describe("isolation", () => {
  it("gives each member only their own personal part, and anonymous readers the shared cached page", async () => {
    const article = articles.isolated;
    const path = pathOf(article);
    const x = await join("iso-x", A);
    const y = await join("iso-y", B);
    const xOnB = onReplica(x.visitor, B);
    const yOnA = onReplica(y.visitor, A);
    const comment = async (v: Visitor, body: string, parent?: string) => {
      const fields = { article: article.documentId, locale: "en", body, next: path, ...(parent ? { parent } : {}) };
      return String((await act(v, "/api/comments", fields)).id);
    };
    // Each comments on the other's replica, Y in reply to X (X has a notification to read); then X likes the
    // article (on B, so X's state is read afresh everywhere) and Y follows its writer (on A).
    const xComment = await comment(x.visitor, "X was here.");
    const yComment = await comment(y.visitor, "Y was here.", xComment);
    await act(xOnB, "/api/reactions", { article: article.documentId, kind: "like", active: "true" });
    await act(yOnA, "/api/follows", { targetType: "author", target: WRITER, active: "true" });
    await webhooksSettled();
    const anonOnA = visitor(A);
    const anonOnB = visitor(B);
    for (const v of [anonOnA, anonOnB]) await warm(v, path);

    const editForm = (id: string) => `action="/api/comments/${id}/delete"`;
    const reportForm = (id: string) => `action="/api/comments/${id}/report"`;
    const signOutForm = 'action="/api/auth/signout"';
    const unreadBadge = 'data-testid="unread-badge"';
    const expectMember = (page: Reply, own: string, others: string, buttons: [string, string], unread: boolean) => {
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      expect(page.headers.get("x-cache")).toBeNull();
      expect(page.text).toContain(signOutForm);
      expect(page.text).toContain('href="/en/settings"');
      expect([toggle(page.text, "like"), toggle(page.text, "follow")]).toEqual(buttons);
      expect(page.text).toContain(editForm(own));
      expect(page.text).toContain(reportForm(others));
      expect(page.text).not.toContain(editForm(others));
      expect(page.text).not.toContain(reportForm(own));
      expect(page.text.match(/<summary>Edit<\/summary>/g)).toHaveLength(1);
      expect(page.text.includes(unreadBadge)).toBe(unread);
    };
    type Who = "x" | "y" | "anonymous";
    const expectations: Record<Who, (page: Reply) => void> = {
      x: (page) => expectMember(page, xComment, yComment, ["Unlike", `Follow ${WRITER}`], true),
      y: (page) => expectMember(page, yComment, xComment, ["Like", `Unfollow ${WRITER}`], false),
      anonymous: (page) => {
        expect(page.status).toBe(200);
        expect(page.headers.get("x-cache")).toBe("HIT");
        expect(page.headers.get("cache-control")).toMatch(/^public, /);
        expect(page.headers.getSetCookie()).toEqual([]);
        expect(page.text).toContain("Sign in to like, bookmark, follow and comment.");
        expect(page.text).toContain("X was here.");
        expect(page.text).toContain("Y was here.");
        for (const personal of [
          signOutForm,
          'href="/en/settings"',
          'data-testid="like"',
          "<summary>Edit</summary>",
          unreadBadge,
        ])
          expect(page.text).not.toContain(personal);
        for (const id of [xComment, yComment]) {
          expect(page.text).not.toContain(editForm(id));
          expect(page.text).not.toContain(reportForm(id));
        }
      },
    };
    const readers: [Who, Visitor][] = [
      ["x", x.visitor],
      ["y", y.visitor],
      ["anonymous", anonOnA],
      ["x", xOnB],
      ["y", yOnA],
      ["anonymous", anonOnB],
    ];
    let checked = 0;
    const check = (who: Who, page: Reply) => {
      expectations[who](page);
      checked++;
    };
    for (let round = 0; round < 3; round++) {
      for (const [who, v] of readers) check(who, await v.get(path));
      // Twice over at the same moment: every reader on both replicas.
      const together = [...readers, ...readers];
      const pages = await Promise.all(together.map(async ([who, v]) => [who, await v.get(path)] as const));
      for (const [who, page] of pages) check(who, page);
    }
    expect(checked).toBe(54);
  });
});

describe("the CMS's webhook", () => {
  it("acts on a delivery once across replicas: accepted by one, a replay to the other answers 409", async () => {
    const article = articles.webhook;
    const path = pathOf(article);
    await webhooksSettled();
    const reader = visitor(B);
    await warm(visitor(A), path);
    await warm(reader, path);
    const event = { model: "article", event: "update", documentId: article.documentId, locale: "en" };

    const signed = signedEvent(String(envA.COMMUNITY_WEBHOOK_SECRET), event);
    const first = await deliver(A, signed);
    expect(first.status).toBe(200);
    expect((await first.json()).data.invalidated).toBeGreaterThanOrEqual(1);
    // A told B: B renders the page again, then keeps it.
    await expect
      .poll(async () => (await reader.get(path)).headers.get("x-cache"), { timeout: 2000, interval: 50 })
      .toBe("MISS");
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");

    for (const replay of [signed, { ...signed, headers: { ...signed.headers, "x-inkstone-delivery": randomUUID() } }]) {
      const refused = await deliver(B, replay);
      expect(refused.status).toBe(409);
      expect((await refused.json()).error.code).toBe("replayed");
    }
    // The replays dropped nothing.
    expect((await reader.get(path)).headers.get("x-cache")).toBe("HIT");

    // The other way round: accepted by B, refused by A.
    const second = signedEvent(String(envA.COMMUNITY_WEBHOOK_SECRET), event);
    expect((await deliver(B, second)).status).toBe(200);
    const replayed = await deliver(A, second);
    expect(replayed.status).toBe(409);
    expect((await replayed.json()).error.code).toBe("replayed");
  });
});
