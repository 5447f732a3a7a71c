// The outbox table's migrations, its pruning and its batched refreshes, on a real PostgreSQL database without
// booting Strapi.
import { type Knex, knex } from "knex";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../scripts/test/services.ts";
import { up as createOutbox } from "../database/migrations/2026.11.29T00.00.00.search-outbox.ts";
import { up as addNotBefore } from "../database/migrations/2026.12.02T00.00.00.search-outbox-not-before.ts";
import { enqueue, enqueueRefresh, OUTBOX_TABLE, pruneOutbox } from "../src/lib/outbox.ts";

/** The outbox's migrations, in the order Strapi runs them. */
const up = async (db: Knex) => {
  await createOutbox(db);
  await addNotBefore(db);
};

const databases: Knex[] = [];
const database = async () => {
  const db = knex({ client: "pg", connection: await createTestDatabase() });
  databases.push(db);
  return db;
};
afterAll(async () => {
  for (const db of databases) await db.destroy();
});

const columns = async (db: Knex) => Object.keys(await db(OUTBOX_TABLE).columnInfo()).sort();
const indexes = async (db: Knex) =>
  (await db.raw("SELECT indexname FROM pg_indexes WHERE tablename = ?", [OUTBOX_TABLE])).rows.map(
    (r: { indexname: string }) => r.indexname,
  );

describe("the outbox migration", () => {
  it("creates the table on a fresh database, and changes nothing when run again", async () => {
    const db = await database();
    await db.transaction((trx) => up(trx));
    const created = { columns: await columns(db), indexes: await indexes(db) };
    expect(created.columns).toEqual(
      [
        "action",
        "attempts",
        "created_at",
        "document_id",
        "done_at",
        "id",
        "last_error",
        "leased_until",
        "locale",
        "not_before",
      ].sort(),
    );
    expect(created.indexes).toEqual(
      expect.arrayContaining(["inkstone_outbox_pending", "inkstone_outbox_pending_document"]),
    );
    await db.transaction((trx) => up(trx));
    expect({ columns: await columns(db), indexes: await indexes(db) }).toEqual(created);
  });

  it("upgrades a table from before leases, keeping its rows", async () => {
    const db = await database();
    // The table as the first versions of the CMS created it at start-up.
    await db.schema.createTable(OUTBOX_TABLE, (table) => {
      table.bigIncrements("id").primary();
      table.string("action", 16).notNullable();
      table.string("document_id", 64).notNullable();
      table.string("locale", 16).nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.integer("attempts").notNullable().defaultTo(0);
      table.text("last_error").nullable();
      table.timestamp("done_at", { useTz: true }).nullable();
      table.index(["done_at", "id"], "inkstone_outbox_pending");
    });
    await db(OUTBOX_TABLE).insert({ action: "upsert", document_id: "abcdefghij0123456789abcd", locale: "en" });
    await db.transaction((trx) => up(trx));
    expect(await columns(db)).toEqual(expect.arrayContaining(["leased_until", "not_before"]));
    expect(await db(OUTBOX_TABLE).count({ n: "*" })).toEqual([{ n: "1" }]);
  });
});

describe("pruning the outbox", () => {
  let db: Knex;
  beforeEach(async () => {
    db = await database();
    await db.transaction((trx) => up(trx));
  });

  /** `count` rows processed `hoursAgo` hours ago (null: still pending), in id order. */
  const rows = (count: number, hoursAgo: number | null) =>
    db(OUTBOX_TABLE).insert(
      Array.from({ length: count }, (_, n) => ({
        action: "upsert",
        document_id: `doc${String(n).padStart(10, "0")}`,
        locale: "en",
        done_at: hoursAgo === null ? null : db.raw("now() - make_interval(hours => ?)", [hoursAgo]),
      })),
    );
  const remaining = async () =>
    (await db(OUTBOX_TABLE).select("done_at").orderBy("id")).map((r: { done_at: Date | null }) =>
      r.done_at === null ? "pending" : "done",
    );
  const retention = { keep: 3, maxAgeMs: 24 * 60 * 60 * 1000, batchSize: 2 };

  it("deletes old processed rows beyond the newest few, in batches, and never a pending one", async () => {
    await rows(5, 48);
    await rows(2, null);
    await rows(1, 30);
    // 6 old processed rows, 2 pending: the 3 newest processed stay, as do the pending ones.
    expect(await pruneOutbox(db, retention)).toBe(3);
    expect(await remaining()).toEqual(["done", "done", "pending", "pending", "done"]);
    expect(await pruneOutbox(db, retention)).toBe(0);
  });

  it("keeps every row processed within the age limit, however many", async () => {
    await rows(4, 48);
    await rows(6, 1);
    expect(await pruneOutbox(db, retention)).toBe(4);
    expect(await remaining()).toEqual(Array(6).fill("done"));
  });

  it("leaves a short outbox alone", async () => {
    await rows(3, 48);
    await rows(1, null);
    expect(await pruneOutbox(db, retention)).toBe(0);
    expect(await remaining()).toHaveLength(4);
  });
});

describe("batched refreshes", () => {
  let db: Knex;
  beforeEach(async () => {
    db = await database();
    await db.transaction((trx) => up(trx));
  });

  const ARTICLE = "abcdefghij0123456789abcd";
  const OTHER = "zyxwvutsrq9876543210zyxw";
  /** Each row: its article, and seconds until it is due (negative: overdue; null: due at once). */
  const pending = async () =>
    (
      await db(OUTBOX_TABLE)
        .select("document_id", "locale", db.raw("extract(epoch FROM not_before - now())::float AS due_in"))
        .orderBy("id")
    ).map((r: { document_id: string; locale: string | null; due_in: number | null }) => ({
      article: r.document_id,
      locale: r.locale,
      // + 0: a row due a moment ago rounds to -0, which toEqual tells from 0.
      dueIn: r.due_in === null ? null : Math.round(r.due_in) + 0,
    }));

  it("keeps one waiting row per article: later changes join it and never push it later", async () => {
    await enqueueRefresh(db, [ARTICLE], 10_000);
    await enqueueRefresh(db, [ARTICLE, ARTICLE], 60_000);
    await enqueueRefresh(db, [OTHER], 10_000);
    expect(await pending()).toEqual([
      { article: ARTICLE, locale: null, dueIn: 10 },
      { article: OTHER, locale: null, dueIn: 10 },
    ]);
    // A change in more of a hurry (a renamed author) brings the waiting row forward.
    await enqueueRefresh(db, [ARTICLE, OTHER]);
    expect(await pending()).toEqual([
      { article: ARTICLE, locale: null, dueIn: 0 },
      { article: OTHER, locale: null, dueIn: 0 },
    ]);
  });

  it("writes a new row when the waiting one is leased or done, since its drain may have read the article already", async () => {
    await enqueueRefresh(db, [ARTICLE], 10_000);
    await db(OUTBOX_TABLE).update({ leased_until: db.raw("now() + interval '5 minutes'") });
    await enqueueRefresh(db, [ARTICLE], 10_000);
    await db(OUTBOX_TABLE).update({ done_at: db.fn.now(), leased_until: null });
    await enqueueRefresh(db, [ARTICLE], 10_000);
    expect(await db(OUTBOX_TABLE).count({ n: "*" })).toEqual([{ n: "3" }]);
  });

  it("does not join a row for one locale, which would not re-read the others", async () => {
    await enqueue(db, "upsert", ARTICLE, "en");
    await enqueueRefresh(db, [ARTICLE], 10_000);
    expect(await pending()).toEqual([
      { article: ARTICLE, locale: "en", dueIn: null },
      { article: ARTICLE, locale: null, dueIn: 10 },
    ]);
  });

  it("holds the row it joined until its transaction ends, so a claim skips it until the change has committed", async () => {
    await enqueueRefresh(db, [ARTICLE]);
    const claimable = () =>
      db(OUTBOX_TABLE)
        .whereNull("done_at")
        .forUpdate()
        .skipLocked()
        .select("id")
        .then((rows) => rows.length);
    await db.transaction(async (trx) => {
      await enqueueRefresh(trx, [ARTICLE], 10_000);
      expect(await claimable()).toBe(0);
    });
    expect(await claimable()).toBe(1);
  });
});
