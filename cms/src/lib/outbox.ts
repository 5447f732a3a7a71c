import type { Core } from "@strapi/strapi";
import type { Knex } from "knex";

/** The durable outbox the search sync drains: one row per change to an article, written with the change. */
export const OUTBOX_TABLE = "inkstone_outbox";

export type OutboxAction = "upsert" | "remove";

/** Creates the outbox table once. Strapi leaves tables it does not own alone. */
export async function ensureOutboxTable(strapi: Core.Strapi): Promise<void> {
  const knex = strapi.db.connection;
  if (await knex.schema.hasTable(OUTBOX_TABLE)) {
    if (!(await knex.schema.hasColumn(OUTBOX_TABLE, "leased_until")))
      await knex.schema.alterTable(OUTBOX_TABLE, (table) =>
        table.timestamp("leased_until", { useTz: true }).nullable(),
      );
    return;
  }
  await knex.schema.createTable(OUTBOX_TABLE, (table) => {
    table.bigIncrements("id").primary();
    table.string("action", 16).notNullable();
    table.string("document_id", 64).notNullable();
    // NULL: every locale of the document.
    table.string("locale", 16).nullable();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.integer("attempts").notNullable().defaultTo(0);
    table.text("last_error").nullable();
    table.timestamp("done_at", { useTz: true }).nullable();
    // A drainer leases the rows it works on; a crashed drainer's rows come back when the lease runs out.
    table.timestamp("leased_until", { useTz: true }).nullable();
    table.index(["done_at", "id"], "inkstone_outbox_pending");
  });
}

/** Writes an outbox row on `db`, which is the change's own transaction. */
export async function enqueue(
  db: Knex | Knex.Transaction,
  action: OutboxAction,
  documentId: string,
  locale: string | null,
): Promise<void> {
  await db(OUTBOX_TABLE).insert({ action, document_id: documentId, locale });
}
