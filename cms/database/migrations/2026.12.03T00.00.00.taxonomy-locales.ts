import type { Knex } from "knex";

// Tags and categories became localized (Strapi i18n): one row per locale sharing `document_id`, and an article row
// links to the tag row of its own locale. Before, a tag was one row without a locale, named in both languages at
// once ("AI writing · AI 写作"), and linked from the article rows of every locale.
//
// For each such row: it becomes the zh-CN version (the default locale, so follows and anything else that kept its
// id still point at a tag), named with the Chinese half; a new en row of the same document gets the English half
// and the same slug. A name that does not split into one Chinese and one non-Chinese half is copied to both.
// The en article rows are then linked to the en rows, and the published articles showing a renamed tag or
// category are queued for the search index. Runs before Strapi's schema sync, so on an old database it adds the
// `locale` column itself; a fresh database has no content-type tables yet and is left alone. Idempotent: rows
// that have a locale are not split again, and links already in their article's locale are not touched.
// The locale codes are written out: a migration describes the data as it was, not as the config is now.
const DEFAULT_LOCALE = "zh-CN";
const OTHER_LOCALE = "en";
const SEPARATOR = " · ";
const CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/u;
const OUTBOX = "inkstone_outbox";

type Taxonomy = { table: string; link: string; column: string };
const TAXONOMIES: readonly Taxonomy[] = [
  { table: "tags", link: "articles_tags_lnk", column: "tag_id" },
  { table: "categories", link: "articles_category_lnk", column: "category_id" },
];

/** "English · 中文" (either order) as its two halves; both halves the whole text when it does not split so. */
export function splitBilingual(text: string): { en: string; zh: string } {
  const parts = text.split(SEPARATOR).map((part) => part.trim());
  if (parts.length === 2 && parts[0] && parts[1]) {
    const [first, second] = parts as [string, string];
    if (CHINESE.test(second) && !CHINESE.test(first)) return { en: first, zh: second };
    if (CHINESE.test(first) && !CHINESE.test(second)) return { en: second, zh: first };
  }
  return { en: text, zh: text };
}

type Row = { id: number; name: string; description: string | null; [column: string]: unknown };

async function localize(knex: Knex, { table, link, column }: Taxonomy): Promise<void> {
  if (!(await knex.schema.hasTable(table))) return;
  if (!(await knex.schema.hasColumn(table, "locale")))
    await knex.schema.alterTable(table, (t) => {
      t.string("locale").nullable();
    });
  const unsplit: Row[] = await knex(table).whereNull("locale").orderBy("id");
  const renamed = unsplit.map((row) => row.document_id as string);
  for (const { id, ...row } of unsplit) {
    const name = splitBilingual(row.name);
    const description = row.description === null ? null : splitBilingual(row.description);
    await knex(table)
      .where({ id })
      .update({ locale: DEFAULT_LOCALE, name: name.zh, description: description?.zh ?? null });
    const translated = await knex(table).where({ document_id: row.document_id, locale: OTHER_LOCALE }).first("id");
    if (!translated)
      await knex(table).insert({ ...row, locale: OTHER_LOCALE, name: name.en, description: description?.en ?? null });
  }
  if (!(await knex.schema.hasTable(link))) return;
  // Every link from an article row to a tag row of another locale moves to that tag's row in the article's locale.
  await knex.raw(
    `UPDATE ${link} l SET ${column} = mine.id
     FROM articles a, ${table} theirs, ${table} mine
     WHERE l.article_id = a.id AND l.${column} = theirs.id AND theirs.locale IS DISTINCT FROM a.locale
       AND mine.document_id = theirs.document_id AND mine.locale = a.locale`,
  );
  if (!renamed.length || !(await knex.schema.hasTable(OUTBOX))) return;
  const { rows } = await knex.raw(
    `SELECT DISTINCT a.document_id FROM ${link} l JOIN articles a ON a.id = l.article_id
     JOIN ${table} t ON t.id = l.${column}
     WHERE a.published_at IS NOT NULL AND t.document_id = ANY(?)`,
    [renamed],
  );
  const articles = (rows as { document_id: string }[]).map((r) => r.document_id);
  if (articles.length)
    await knex(OUTBOX).insert(articles.map((id) => ({ action: "upsert", document_id: id, locale: null })));
}

export async function up(knex: Knex): Promise<void> {
  for (const taxonomy of TAXONOMIES) await localize(knex, taxonomy);
}
