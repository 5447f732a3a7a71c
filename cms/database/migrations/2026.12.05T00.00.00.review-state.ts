import type { Knex } from "knex";

// The creator studio (issue 13): articles got a review state (`review_state`, localized like the article), and
// notifications a `count` (grouped likes). Before, an article was in review until an editor published it, so every
// row of a document's locale that has a published version becomes "published" (its draft row too: the creator's
// studio reads the draft), and every other row "draft". Existing notifications each stand for one event: count 1.
//
// Runs before Strapi's schema sync, so on an old database it adds the columns itself (as the sync would: a string
// for an enumeration, an integer); a fresh database has no content-type tables yet and is left alone. Idempotent:
// only rows without a state (or a count) are written. The state names are written out: a migration describes the
// data as it was, not as the config is now.
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable("articles")) {
    if (!(await knex.schema.hasColumn("articles", "review_state")))
      await knex.schema.alterTable("articles", (table) => {
        table.string("review_state").nullable();
      });
    await knex.raw(
      `UPDATE articles a SET review_state = 'published'
       WHERE a.review_state IS NULL AND EXISTS (
         SELECT 1 FROM articles p
         WHERE p.document_id = a.document_id AND p.locale IS NOT DISTINCT FROM a.locale AND p.published_at IS NOT NULL
       )`,
    );
    await knex("articles").whereNull("review_state").update({ review_state: "draft" });
  }
  if (await knex.schema.hasTable("notifications")) {
    if (!(await knex.schema.hasColumn("notifications", "count")))
      await knex.schema.alterTable("notifications", (table) => {
        table.integer("count").nullable();
      });
    await knex("notifications").whereNull("count").update({ count: 1 });
  }
}
