import type { Knex } from "knex";

// The sign-in throttle's state (cms/src/lib/signin-throttle.ts), shared by every community replica through the
// CMS: failed sign-ins per account and address, and the addresses each account has signed in from. Tables of our
// own, so a migration creates them; idempotent like every migration here.
const FAILURES = "inkstone_signin_failures";
const ADDRESSES = "inkstone_signin_addresses";

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(FAILURES)))
    await knex.schema.createTable(FAILURES, (table) => {
      table.bigIncrements("id").primary();
      // `user:<documentId>` for an account, `name:<identifier>` for an identifier no account has.
      table.string("account", 300).notNullable();
      table.string("address", 64).notNullable();
      table.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  await knex.raw(`CREATE INDEX IF NOT EXISTS ${FAILURES}_account ON ${FAILURES} (account, at)`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS ${FAILURES}_pair ON ${FAILURES} (account, address, at)`);
  if (!(await knex.schema.hasTable(ADDRESSES)))
    await knex.schema.createTable(ADDRESSES, (table) => {
      table.string("account", 300).notNullable();
      table.string("address", 64).notNullable();
      table.timestamp("last_success_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.primary(["account", "address"]);
    });
}
