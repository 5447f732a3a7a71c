import type { Knex } from "knex";

// The search outbox (cms/src/lib/outbox.ts): one row per change to an article, drained into Meilisearch. Strapi's
// schema sync leaves tables it did not create alone. Idempotent, because databases from before this migration
// already have the table, some of them without `leased_until`; and it needs no content-type table, which on a
// fresh database does not exist yet when migrations run.
const TABLE = "inkstone_outbox";

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(TABLE))) {
    await knex.schema.createTable(TABLE, (table) => {
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
    });
  } else if (!(await knex.schema.hasColumn(TABLE, "leased_until"))) {
    await knex.schema.alterTable(TABLE, (table) => {
      table.timestamp("leased_until", { useTz: true }).nullable();
    });
  }
  // Pending rows (done_at IS NULL) in id order for the drain; processed ones by age for the pruning.
  await knex.raw(`CREATE INDEX IF NOT EXISTS inkstone_outbox_pending ON ${TABLE} (done_at, id)`);
}
