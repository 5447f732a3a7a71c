import type { Knex } from "knex";

// Usernames unique whatever their case, e-mails stored trimmed and lower-case. On a database that already has
// members: e-mails are normalised (unless two would then collide, which is left for an editor), and of usernames
// that differ only in case the oldest keeps its name while each later one gets `-<id>` appended (they can still
// sign in with their e-mail address), so the unique index can be built. On a fresh database the users table does
// not exist yet when migrations run: the CMS's bootstrap builds the same index (IF NOT EXISTS) once it does.
const USERS = "up_users";
const USERNAME_INDEX = "up_users_username_lower_unique";

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(USERS))) return;
  await knex.raw(
    `UPDATE ${USERS} u SET email = lower(trim(u.email))
     WHERE u.email IS NOT NULL AND u.email <> lower(trim(u.email))
       AND NOT EXISTS (SELECT 1 FROM ${USERS} o WHERE o.id <> u.id AND lower(trim(o.email)) = lower(trim(u.email)))`,
  );
  await knex.raw(
    `UPDATE ${USERS} u SET username = u.username || '-' || u.id
     WHERE EXISTS (SELECT 1 FROM ${USERS} o WHERE lower(o.username) = lower(u.username) AND o.id < u.id)`,
  );
  await knex.raw(`CREATE UNIQUE INDEX IF NOT EXISTS ${USERNAME_INDEX} ON ${USERS} (lower(username))`);
}
