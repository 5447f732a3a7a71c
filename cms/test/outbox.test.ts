// The outbox table's migration and its pruning, on a real PostgreSQL database without booting Strapi.
import { type Knex, knex } from "knex";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../scripts/test/services.ts";
import { up } from "../database/migrations/2026.11.29T00.00.00.search-outbox.ts";
import { OUTBOX_TABLE, pruneOutbox } from "../src/lib/outbox.ts";

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
      ].sort(),
    );
    expect(created.indexes).toContain("inkstone_outbox_pending");
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
    expect(await columns(db)).toContain("leased_until");
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
