import type { Knex } from "knex";

// Accounts and mail (cms/src/lib/accounts, cms/src/lib/mail): the links Inkstone mails (verification, password
// reset, e-mail change), each member's mail settings, and the mail outbox. Tables of our own, so a migration creates
// them; idempotent like every migration here.
const LINKS = "account_links";
const SETTINGS = "mail_settings";
const OUTBOX = "mail_outbox";

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(LINKS)))
    await knex.schema.createTable(LINKS, (table) => {
      table.bigIncrements("id").primary();
      // The member's users-permissions document id.
      table.string("user_id", 64).notNullable();
      table.string("purpose", 32).notNullable();
      // SHA-256 of the token the mail carries: a database read gives nobody a working link.
      table.string("token_hash", 64).notNullable().unique();
      // The address the link was sent to (for an e-mail change: the new address, set when the link is used).
      table.string("email", 255).notNullable();
      table.string("locale", 8).notNullable();
      table.timestamp("expires_at", { useTz: true }).notNullable();
      table.timestamp("used_at", { useTz: true });
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  await knex.raw(`CREATE INDEX IF NOT EXISTS ${LINKS}_member ON ${LINKS} (user_id, purpose, created_at)`);

  if (!(await knex.schema.hasTable(SETTINGS)))
    await knex.schema.createTable(SETTINGS, (table) => {
      table.string("user_id", 64).primary();
      table.string("locale", 8).notNullable();
      table.string("replies", 16).notNullable();
      table.string("follows", 16).notNullable();
      table.string("reviews", 16).notNullable();
      table.string("runs", 16).notNullable();
      // Notifications up to this time have been in a digest (or were not for one).
      table.timestamp("digest_through", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });

  if (!(await knex.schema.hasTable(OUTBOX)))
    await knex.schema.createTable(OUTBOX, (table) => {
      table.bigIncrements("id").primary();
      table.string("user_id", 64);
      table.string("kind", 40).notNullable();
      table.string("recipient", 255).notNullable();
      table.string("subject", 300).notNullable();
      table.text("text_body").notNullable();
      table.text("html_body").notNullable();
      table.jsonb("headers").notNullable().defaultTo("{}");
      table.integer("attempts").notNullable().defaultTo(0);
      table.timestamp("not_before", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("sent_at", { useTz: true });
      table.timestamp("failed_at", { useTz: true });
      table.text("last_error");
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS ${OUTBOX}_due ON ${OUTBOX} (not_before) WHERE sent_at IS NULL AND failed_at IS NULL`,
  );
}
