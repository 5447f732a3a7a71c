// The sign-in throttle and the member-identities migration, on a real PostgreSQL database without booting Strapi.
import { type Knex, knex } from "knex";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../scripts/test/services.ts";
import { up as throttleUp } from "../database/migrations/2026.12.01T00.00.00.signin-throttle.ts";
import { up as identitiesUp } from "../database/migrations/2026.12.01T00.00.01.member-identities.ts";
import {
  ADDRESSES_TABLE,
  FAILURES_TABLE,
  pruneSigninThrottle,
  reserveAttempt,
  settleAttempt,
  THROTTLE,
} from "../src/lib/signin-throttle.ts";

const databases: Knex[] = [];
const database = async () => {
  const db = knex({ client: "pg", connection: await createTestDatabase(), pool: { min: 0, max: 12 } });
  databases.push(db);
  return db;
};
afterAll(async () => {
  for (const db of databases) await db.destroy();
});

describe("the sign-in throttle", () => {
  let db: Knex;
  beforeEach(async () => {
    db = await database();
    await db.transaction((trx) => throttleUp(trx));
  });

  /** A password attempt that turns out wrong (or right); returns the verdict it got. */
  const attempt = async (account: string, address: string, outcome: "failed" | "signed-in" = "failed") => {
    const verdict = await reserveAttempt(db, account, address);
    if (verdict.ok) await settleAttempt(db, verdict.attemptId, outcome, account, address);
    return verdict;
  };
  /** Moves every recorded failure `seconds` into the past. */
  const age = (seconds: number) =>
    db(FAILURES_TABLE).update({ at: db.raw("at - make_interval(secs => ?)", [seconds]) });

  it("creates its tables idempotently", async () => {
    await db.transaction((trx) => throttleUp(trx));
    expect(await db.schema.hasTable(FAILURES_TABLE)).toBe(true);
    expect(await db.schema.hasTable(ADDRESSES_TABLE)).toBe(true);
  });

  it("slows one address after five failures, doubling the wait, and leaves other addresses alone", async () => {
    for (let i = 0; i < THROTTLE.pairFree; i++) expect((await attempt("user:a", "10.0.0.1")).ok).toBe(true);
    const sixth = await attempt("user:a", "10.0.0.1");
    expect(sixth).toMatchObject({ ok: false, reason: "address" });
    expect(sixth.ok || sixth.retryAfterSeconds).toBeGreaterThan(55);
    expect(sixth.ok || sixth.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another address, and the same address on another account, are not slowed.
    expect((await attempt("user:a", "10.0.0.2", "signed-in")).ok).toBe(true);
    expect((await attempt("user:b", "10.0.0.1")).ok).toBe(true);
    // After the minute it may try once more; a sixth failure doubles the wait.
    await age(61);
    expect((await attempt("user:a", "10.0.0.1")).ok).toBe(true);
    const after = await attempt("user:a", "10.0.0.1");
    expect(after).toMatchObject({ ok: false, reason: "address" });
    expect(after.ok || after.retryAfterSeconds).toBeGreaterThan(115);
  });

  it("caps an account at 20 failures an hour across addresses, except from an address it signed in from", async () => {
    expect((await attempt("user:c", "192.0.2.1", "signed-in")).ok).toBe(true);
    const verdicts = [];
    for (let i = 0; i < 30; i++) verdicts.push(await attempt("user:c", `198.51.100.${i}`));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(THROTTLE.accountCap);
    expect(verdicts.slice(THROTTLE.accountCap).every((v) => !v.ok && v.reason === "account")).toBe(true);
    // The owner's known address still gets in; a new address does not, until the oldest failures age out.
    expect((await attempt("user:c", "192.0.2.1", "signed-in")).ok).toBe(true);
    expect((await attempt("user:c", "203.0.113.9")).ok).toBe(false);
    await age(THROTTLE.accountWindowSeconds + 1);
    expect((await attempt("user:c", "203.0.113.9")).ok).toBe(true);
  });

  it("counts concurrent guesses one by one: 30 at once get no further than the cap", async () => {
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reserveAttempt(db, "user:d", `198.51.100.${i}`)),
    );
    expect(verdicts.filter((v) => v.ok)).toHaveLength(THROTTLE.accountCap);
    expect(await db(FAILURES_TABLE).where({ account: "user:d" }).count({ n: "*" })).toEqual([{ n: "20" }]);
  });

  it("takes a successful attempt back, clears that address's failures and remembers it", async () => {
    for (let i = 0; i < 3; i++) await attempt("user:e", "10.0.0.5");
    await attempt("user:e", "10.0.0.6");
    await attempt("user:e", "10.0.0.5", "signed-in");
    expect(await db(FAILURES_TABLE).where({ account: "user:e" }).select("address")).toEqual([{ address: "10.0.0.6" }]);
    expect(await db(ADDRESSES_TABLE).where({ account: "user:e" }).select("address")).toEqual([{ address: "10.0.0.5" }]);
  });

  it("prunes failures too old to count and addresses unused for 90 days", async () => {
    await attempt("user:f", "10.0.0.7");
    await attempt("user:f", "10.0.0.8", "signed-in");
    expect(await pruneSigninThrottle(db)).toBe(0);
    await age(3 * 60 * 60);
    await db(ADDRESSES_TABLE).update({ last_success_at: db.raw("now() - interval '91 days'") });
    expect(await pruneSigninThrottle(db)).toBe(2);
  });
});

describe("the member-identities migration", () => {
  const usersTable = async (db: Knex) =>
    db.schema.createTable("up_users", (table) => {
      table.increments("id").primary();
      table.string("username");
      table.string("email");
    });

  it("does nothing on a fresh database, where the users table does not exist yet", async () => {
    const db = await database();
    await db.transaction((trx) => identitiesUp(trx));
    expect(await db.schema.hasTable("up_users")).toBe(false);
  });

  it("renames later case-duplicates, normalises e-mails and makes usernames unique in any case", async () => {
    const db = await database();
    await usersTable(db);
    await db("up_users").insert([
      { username: "lin-wei", email: " Lin@Example.TEST " },
      { username: "LIN-WEI", email: "other@example.test" },
      { username: "Sam", email: "SAM@example.test" },
      { username: "x", email: "sam@example.test" },
    ]);
    await db.transaction((trx) => identitiesUp(trx));
    expect(await db("up_users").orderBy("id").select("username", "email")).toEqual([
      { username: "lin-wei", email: "lin@example.test" },
      { username: "LIN-WEI-2", email: "other@example.test" },
      // Two e-mails that would collide once lower-cased stay as they were, for an editor to sort out.
      { username: "Sam", email: "SAM@example.test" },
      { username: "x", email: "sam@example.test" },
    ]);
    await expect(db("up_users").insert({ username: "SAM", email: "s2@example.test" })).rejects.toThrow(/unique/);
    await db.transaction((trx) => identitiesUp(trx));
  });
});
