// PostgreSQL goes away under a running CMS: every caller is told 503 with Retry-After (never 401, 403 or 500),
// and the CMS serves again by itself once the database is back. The database here is this file's own server,
// started with the launcher's code: the shared one must stay up for the other test files.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_USER } from "@inkstone/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { ensureDatabase, startPostgres, withDatabase } from "../../scripts/stack/postgres.ts";
import type { ManagedProcess } from "../../scripts/stack/process.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { startTestApps, type TestStack } from "../../scripts/test/services.ts";
import { OUTAGE_MESSAGE, OUTAGE_RETRY_AFTER_SECONDS } from "../src/middlewares/database-outage.ts";
import { type CmsApi, cmsApi, draft } from "./cms-api.ts";

const dir = mkdtempSync(join(tmpdir(), "inkstone-db-outage-"));
// PostgreSQL runs as the `postgres` user when we are root: it must be able to enter this folder.
chmodSync(dir, 0o755);
let port: number;
let postgres: ManagedProcess | undefined;
let stack: TestStack;
let env: StackEnv;
let api: CmsApi;
let memberJwt: string;
let memberId: string;

const startDatabase = async () => {
  postgres = await startPostgres({
    dataDir: join(dir, "postgres"),
    port,
    logDir: join(dir, "logs"),
    user: DEFAULT_DATABASE_USER,
  });
};
/** PostgreSQL's fast shutdown (SIGINT): open connections are cut, as in a crash or a failover. */
const stopDatabase = async () => {
  await postgres?.stop();
  postgres = undefined;
};

beforeAll(async () => {
  port = await freePort();
  await startDatabase();
  const admin = `postgres://${DEFAULT_DATABASE_USER}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(admin, DEFAULT_DATABASE_NAME);
  stack = await startTestApps(["cms"], { DATABASE_URL: withDatabase(admin, DEFAULT_DATABASE_NAME) });
  env = stack.env;
  api = cmsApi(env);
  const member = await api.signUp("outage-member");
  memberJwt = member.jwt;
  memberId = member.user.documentId;
}, 120_000);

afterAll(async () => {
  // The CMS first, while its database is still there to close connections to.
  await stack?.stop();
  await stopDatabase();
  rmSync(dir, { recursive: true, force: true });
});

const ARTICLES = "/api/articles?locale=en";
const BAD_TOKEN = "0".repeat(64);

/** Every kind of caller, each with a request it makes in normal use. */
const callers = () => ({
  anonymous: () => api.call("GET", ARTICLES),
  communityToken: () => api.call("GET", ARTICLES, { token: String(env.CMS_COMMUNITY_TOKEN) }),
  workerToken: () => api.saveDraft("run-outage", draft(memberId, "run-outage")),
  member: () => api.call("GET", ARTICLES, { token: memberJwt }),
  memberViaCommunity: () => api.call("GET", "/api/users/me", { token: memberJwt, community: true }),
  adminLogin: () =>
    api.call("POST", "/admin/login", { body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } }),
});

describe("the CMS while PostgreSQL is down", () => {
  it("tells a bad token from a good one while the database is up", async () => {
    expect((await api.call("GET", ARTICLES, { token: BAD_TOKEN })).status).toBe(401);
    expect((await api.call("GET", ARTICLES, { token: String(env.CMS_COMMUNITY_TOKEN) })).status).toBe(200);
    expect((await api.call("GET", ARTICLES, { token: memberJwt })).status).toBe(200);
    expect((await callers().workerToken()).status).toBe(200);
  });

  it("answers every caller 503 with Retry-After during the outage, and serves again once it is back", async () => {
    // A write just before the outage: Strapi reloads it for its events after answering, unawaited, and the
    // shutdown often cuts that query off. The CMS must outlive it (the requests below would find no CMS).
    expect((await callers().workerToken()).status).toBe(200);
    await stopDatabase();

    for (const [name, request] of Object.entries(callers())) {
      const reply = await request();
      expect({ name, status: reply.status, retryAfter: reply.headers.get("retry-after"), body: reply.body }).toEqual({
        name,
        status: 503,
        retryAfter: String(OUTAGE_RETRY_AFTER_SECONDS),
        body: {
          data: null,
          error: { status: 503, name: "ServiceUnavailableError", message: OUTAGE_MESSAGE, details: {} },
        },
      });
    }
    // A bad token is not told it is bad either: the CMS cannot know while it cannot look.
    expect((await api.call("GET", ARTICLES, { token: BAD_TOKEN })).status).toBe(503);

    await startDatabase();
    const back = Date.now();
    // While the pool drops the connections PostgreSQL cut, a request is told 503 or served, nothing else.
    const seen = new Set<number>();
    let reply = await callers().communityToken();
    seen.add(reply.status);
    while (reply.status !== 200 && Date.now() - back < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      reply = await callers().communityToken();
      seen.add(reply.status);
    }
    expect(reply.status).toBe(200);
    expect([...seen].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const results = Object.fromEntries(
      await Promise.all(Object.entries(callers()).map(async ([name, request]) => [name, (await request()).status])),
    );
    expect(results).toEqual({
      anonymous: 200,
      communityToken: 200,
      workerToken: 200,
      member: 200,
      memberViaCommunity: 200,
      adminLogin: 200,
    });
    expect((await api.call("GET", ARTICLES, { token: BAD_TOKEN })).status).toBe(401);
  }, 60_000);
});
