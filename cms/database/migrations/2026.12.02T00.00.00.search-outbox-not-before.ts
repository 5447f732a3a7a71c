import type { Knex } from "knex";

// Outbox rows that may wait (cms/src/lib/outbox.ts, `enqueueRefresh`): a counter change is applied no sooner than
// `not_before`, so a burst of likes shares one row and one index update. NULL: due at once, as every row was before.
// The partial index finds an article's pending row when the next change comes to join it.
const TABLE = "inkstone_outbox";

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn(TABLE, "not_before")))
    await knex.schema.alterTable(TABLE, (table) => {
      table.timestamp("not_before", { useTz: true }).nullable();
    });
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS inkstone_outbox_pending_document ON ${TABLE} (document_id) WHERE done_at IS NULL`,
  );
}
