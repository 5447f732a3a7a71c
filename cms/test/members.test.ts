// Members through the community's door: sessions, sign-in throttling that cannot lock an owner out, blocking that
// ends sessions and tells the community, and usernames unique in any case.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { changeEventSchema } from "@inkstone/config";
import { verifyWebhook, WEBHOOK_HEADERS } from "@inkstone/config/webhook";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { type CmsApi, cmsApi, draft, PASSWORD } from "./cms-api.ts";

/** What the community would have received on /api/revalidate. */
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const community = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    if (request.url === "/api/revalidate") received.push({ headers: request.headers, body });
    response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});

let api: CmsApi;
let env: StackEnv;
let db: pg.Client;

beforeAll(async () => {
  await new Promise<void>((resolve) => community.listen(0, "127.0.0.1", resolve));
  const { port } = community.address() as AddressInfo;
  ({ env } = await startTestApps(["cms"], { COMMUNITY_URL: `http://127.0.0.1:${port}` }));
  api = cmsApi(env);
  db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await new Promise((resolve) => community.close(resolve));
});

const tokenHash = () => randomBytes(32).toString("hex");
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const startSession = (userId: string, hash = tokenHash(), extra: Record<string, unknown> = {}) =>
  api.call("POST", "/api/member-sessions", {
    community: true,
    body: {
      data: { tokenHash: hash, userId, sealedJwt: `sealed-${hash.slice(0, 6)}`, expiresAt: inAnHour(), ...extra },
    },
  });
const readSession = (hash: string) => api.call("GET", `/api/member-sessions/${hash}`, { community: true });
const sessionsOf = async (userId: string) =>
  (await db.query("SELECT count(*)::int AS n FROM member_sessions WHERE user_id = $1", [userId])).rows[0].n as number;

describe("member sessions", () => {
  it("starts, reads, lists, ends one and ends all but the current one", async () => {
    const { user } = await api.signUp("sessions");
    const [first, second, third] = [tokenHash(), tokenHash(), tokenHash()];
    const created = await startSession(user.documentId, first, { userAgent: "Firefox", address: "192.0.2.7" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.id).toMatch(/^[a-z0-9]{10,40}$/);
    expect((await startSession(user.documentId, second)).status).toBe(201);
    expect((await startSession(user.documentId, third)).status).toBe(201);
    // The raw id never reaches the CMS; the hash is stored, and a second session with it is refused.
    expect((await startSession(user.documentId, first)).status).toBe(400);

    const read = await readSession(first);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({
      userId: user.documentId,
      username: "sessions",
      sealedJwt: `sealed-${first.slice(0, 6)}`,
      expiresAt: expect.any(String),
      blocked: false,
    });

    const listed = await api.call("GET", `/api/member-sessions?userId=${user.documentId}&tokenHash=${first}`, {
      community: true,
    });
    expect(listed.body.data).toHaveLength(3);
    const current = listed.body.data.filter((s: { current: boolean }) => s.current);
    expect(current).toEqual([expect.objectContaining({ id: created.body.data.id, userAgent: "Firefox" })]);
    expect(JSON.stringify(listed.body)).not.toContain(first);

    expect((await api.call("DELETE", `/api/member-sessions/${second}`, { community: true })).status).toBe(204);
    expect((await api.call("DELETE", `/api/member-sessions/${second}`, { community: true })).status).toBe(204);
    expect((await readSession(second)).status).toBe(404);

    const everywhere = await api.call("DELETE", `/api/member-sessions?userId=${user.documentId}&except=${first}`, {
      community: true,
    });
    expect(everywhere.body.data).toEqual({ ended: 1 });
    expect((await readSession(third)).status).toBe(404);
    expect((await readSession(first)).status).toBe(200);
    const all = await api.call("DELETE", `/api/member-sessions?userId=${user.documentId}`, { community: true });
    expect(all.body.data).toEqual({ ended: 1 });
    expect(await sessionsOf(user.documentId)).toBe(0);
  });

  it("answers 404 for an expired session and deletes it; prunes the others", async () => {
    const { user } = await api.signUp("expiring");
    const [reread, left] = [tokenHash(), tokenHash()];
    await startSession(user.documentId, reread);
    await startSession(user.documentId, left);
    await db.query("UPDATE member_sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [
      user.documentId,
    ]);
    expect((await readSession(reread)).status).toBe(404);
    expect(
      (await db.query("SELECT count(*)::int AS n FROM member_sessions WHERE token_hash = $1", [reread])).rows[0].n,
    ).toBe(0);
    const listed = await api.call("GET", `/api/member-sessions?userId=${user.documentId}`, { community: true });
    expect(listed.body.data).toEqual([]);
  });

  it("touches lastSeenAt at most once a minute", async () => {
    const { user } = await api.signUp("touching");
    const hash = tokenHash();
    await startSession(user.documentId, hash);
    await db.query("UPDATE member_sessions SET last_seen_at = now() - interval '2 minutes' WHERE token_hash = $1", [
      hash,
    ]);
    const seen = async () =>
      (await db.query("SELECT last_seen_at FROM member_sessions WHERE token_hash = $1", [hash])).rows[0]
        .last_seen_at as Date;
    const stale = await seen();
    await readSession(hash);
    const touched = await seen();
    expect(touched.getTime()).toBeGreaterThan(stale.getTime());
    await readSession(hash);
    expect((await seen()).getTime()).toBe(touched.getTime());
  });
});

describe("blocking a member", () => {
  it("ends their sessions at once, sends the community a signed member event, and refuses their drafts", async () => {
    const troll = await api.signUp("blockee");
    const hashes = [tokenHash(), tokenHash()];
    for (const hash of hashes) expect((await startSession(troll.user.documentId, hash)).status).toBe(201);
    const bystander = await api.signUp("bystander");
    const kept = tokenHash();
    await startSession(bystander.user.documentId, kept);
    received.length = 0;

    expect((await api.setBlocked(troll.user.documentId, true)).status).toBe(200);
    expect(await sessionsOf(troll.user.documentId)).toBe(0);
    for (const hash of hashes) expect((await readSession(hash)).status).toBe(404);
    expect((await readSession(kept)).status).toBe(200);

    await vi.waitFor(() => expect(received.map((r) => JSON.parse(r.body).model)).toContain("member"), {
      timeout: 10_000,
    });
    const delivery = received.find((r) => JSON.parse(r.body).model === "member");
    if (!delivery) throw new Error("no member event");
    expect(changeEventSchema.parse(JSON.parse(delivery.body))).toEqual({
      model: "member",
      event: "block",
      userId: troll.user.documentId,
    });
    const header = (name: string) => String(delivery.headers[name] ?? "");
    expect(
      verifyWebhook({
        secret: String(env.COMMUNITY_WEBHOOK_SECRET),
        timestamp: header(WEBHOOK_HEADERS.timestamp),
        signature: header(WEBHOOK_HEADERS.signature),
        body: delivery.body,
      }),
    ).toBe(true);
    expect(header(WEBHOOK_HEADERS.delivery)).toMatch(/^[0-9a-f-]{36}$/);

    // Saving the member again (still blocked) sends nothing more.
    received.length = 0;
    expect((await api.setBlocked(troll.user.documentId, true)).status).toBe(200);
    expect(received.filter((r) => JSON.parse(r.body).model === "member")).toEqual([]);

    // No new session, and the worker learns the creator is blocked; their draft is refused before any write.
    const again = await startSession(troll.user.documentId);
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe("member_blocked");
    const worker = String(env.CMS_WORKER_TOKEN);
    const status = await api.call("GET", `/api/generation/creators/${troll.user.documentId}`, { token: worker });
    expect(status.body).toEqual({ data: { blocked: true } });
    const counts = async () =>
      (await db.query("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM tags) AS n")).rows[0].n;
    const before = await counts();
    const refused = await api.saveDraft(
      "run-blocked",
      draft(troll.user.documentId, "run-blocked", { tags: ["never-created"] }),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "creator_blocked", message: expect.any(String) });
    expect(await counts()).toBe(before);

    // Their sign-in says the account is blocked — with the right password, and whatever the throttle holds.
    const signIn = await api.signIn("blockee");
    expect(signIn.status).toBe(400);
    expect(signIn.body.error.message).toMatch(/blocked/);

    // Unblocked, they are back.
    expect((await api.setBlocked(troll.user.documentId, false)).status).toBe(200);
    expect((await api.signIn("blockee")).status).toBe(200);
    expect(
      (await api.call("GET", `/api/generation/creators/${troll.user.documentId}`, { token: worker })).body,
    ).toEqual({ data: { blocked: false } });
  });

  it("answers 404 for a creator nobody is", async () => {
    const worker = String(env.CMS_WORKER_TOKEN);
    const reply = await api.call("GET", "/api/generation/creators/abcdefghij0123456789abcd", { token: worker });
    expect(reply.status).toBe(404);
  });
});

describe("sign-in throttling", () => {
  it("keeps the owner signing in while someone guesses from other addresses", async () => {
    await api.signUp("owner");
    // The owner has signed in from home before.
    expect((await api.signIn("owner", PASSWORD, "192.0.2.10")).status).toBe(200);

    // Five wrong passwords from one address slow that address down (by username or by e-mail: one account)…
    for (let i = 0; i < 5; i++)
      expect((await api.signIn(i % 2 ? "OWNER" : "owner@example.test", "wrong", "203.0.113.5")).status).toBe(400);
    const slowed = await api.signIn("owner", "wrong", "203.0.113.5");
    expect(slowed.status).toBe(429);
    expect(slowed.body.error.details).toMatchObject({ reason: "address" });
    // …and even the right password from there waits, so guessing from there stops.
    expect((await api.signIn("owner", PASSWORD, "203.0.113.5")).status).toBe(429);
    // A forged X-Forwarded-For changes nothing: the address is the one the community reports.
    const forged = await api.call("POST", "/api/auth/local", {
      community: true,
      address: "203.0.113.5",
      headers: { "x-forwarded-for": "198.51.100.200" },
      body: { identifier: "owner", password: "wrong" },
    });
    expect(forged.status).toBe(429);
    // The owner, from home or from a clean address, is not.
    expect((await api.signIn("owner", PASSWORD, "192.0.2.10")).status).toBe(200);
    expect((await api.signIn("owner", PASSWORD, "192.0.2.77")).status).toBe(200);
  });

  it("caps guesses across 30 addresses at 20 an hour, and still lets the owner in from a known address", async () => {
    await api.signUp("target");
    expect((await api.signIn("target", PASSWORD, "192.0.2.20")).status).toBe(200);
    const failures = async () =>
      (
        await db.query(
          "SELECT count(*)::int AS n FROM inkstone_signin_failures WHERE account = (SELECT 'user:' || document_id FROM up_users WHERE username = 'target')",
        )
      ).rows[0].n as number;

    // 30 guesses at once, each from its own address: the password is checked 20 times, no more.
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.signIn(i % 2 ? "target" : "TARGET@example.test", `guess-${i}`, `198.51.100.${i + 1}`),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(await failures()).toBe(20);
    const capped = guesses.find((g) => g.status === 429);
    expect(capped?.body.error.details).toMatchObject({ reason: "account" });

    // Even the right password from a new address is refused now — but from the owner's known one it works.
    const stranger = await api.signIn("target", PASSWORD, "198.51.100.99");
    expect(stranger.status).toBe(429);
    expect((await api.signIn("target", PASSWORD, "192.0.2.20")).status).toBe(200);
  });

  it("answers 429 with Retry-After", async () => {
    await api.signUp("patient");
    for (let i = 0; i < 5; i++) await api.signIn("patient", "wrong", "203.0.113.50");
    const response = await fetch(`${env.CMS_URL}/api/auth/local`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inkstone-community": String(env.CMS_COMMUNITY_TOKEN),
        "x-inkstone-client-address": "203.0.113.50",
      },
      body: JSON.stringify({ identifier: "patient", password: "wrong" }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });

  it("counts an unknown name like an account, so guessing names tells nothing", async () => {
    for (let i = 0; i < 5; i++) expect((await api.signIn("nobody-here", "x", "203.0.113.60")).status).toBe(400);
    expect((await api.signIn("NOBODY-HERE", "x", "203.0.113.60")).status).toBe(429);
  });
});

describe("identities", () => {
  it("keeps usernames unique whatever their case, in sign-up and in the admin", async () => {
    const first = await api.signUp("lin-wei");
    const register = (username: string, email: string) =>
      api.call("POST", "/api/auth/local/register", {
        community: true,
        body: { username, email, password: PASSWORD },
      });
    const clash = await register("LIN-WEI", "lin-wei-2@example.test");
    expect(clash.status).toBe(400);
    expect(clash.body.error.message).toMatch(/username.*taken/i);
    // Two sign-ups racing for one name in two cases: one wins, the other is told the name is taken.
    const race = await Promise.all([
      register("Race-Name", "race1@example.test"),
      register("race-name", "race2@example.test"),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 400]);
    // An editor renaming someone onto a taken name is refused too.
    const other = await api.signUp("someone-else");
    const rename = await api.admin(
      "PUT",
      `/content-manager/collection-types/plugin::users-permissions.user/${other.user.documentId}`,
      { username: "Lin-Wei" },
    );
    expect(rename.status).toBe(400);
    // Signing in works in any case.
    expect((await api.signIn("LIN-WEI")).body.user?.documentId).toBe(first.user.documentId);
  });

  it("refuses usernames the community would refuse", async () => {
    for (const username of ["<b>x</b>", "ab", "a".repeat(31), "with space", "名字"]) {
      const reply = await api.call("POST", "/api/auth/local/register", {
        community: true,
        body: { username, email: `${randomBytes(4).toString("hex")}@example.test`, password: PASSWORD },
      });
      expect(reply.status, username).toBe(400);
    }
  });

  it("stores and looks up e-mails trimmed and lower-case", async () => {
    const reply = await api.call("POST", "/api/auth/local/register", {
      community: true,
      body: { username: "mixed-case", email: "  Mixed.Case@Example.TEST ", password: PASSWORD },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const stored = await db.query("SELECT email FROM up_users WHERE username = 'mixed-case'");
    expect(stored.rows).toEqual([{ email: "mixed.case@example.test" }]);
    expect((await api.signIn(" MIXED.case@example.test ")).status).toBe(200);
    const duplicate = await api.call("POST", "/api/auth/local/register", {
      community: true,
      body: { username: "mixed-case-2", email: "MIXED.CASE@example.test", password: PASSWORD },
    });
    expect(duplicate.status).toBe(400);
  });
});
