import { DEFAULT_LOCALE, LOCALES } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { env } from "../env.ts";
import { COMMUNITY_TOKEN_ACTIONS, MEMBER_ACTIONS, PUBLIC_ACTIONS, WORKER_TOKEN_ACTIONS } from "./access.ts";
import { log } from "./log.ts";

const LOCALE_NAMES: Record<string, string> = { "zh-CN": "简体中文 (zh-CN)", en: "English (en)" };

/** zh-CN (the default) and en, as the community and the docs site serve them. */
export async function ensureLocales(strapi: Core.Strapi): Promise<void> {
  const locales = strapi.plugin("i18n").service("locales");
  const existing: { code: string }[] = await locales.find();
  for (const code of LOCALES)
    if (!existing.some((l) => l.code === code)) await locales.create({ code, name: LOCALE_NAMES[code] ?? code });
  if ((await locales.getDefaultLocale()) !== DEFAULT_LOCALE) await locales.setDefaultLocale({ code: DEFAULT_LOCALE });
}

/** The first admin, from ADMIN_EMAIL and ADMIN_PASSWORD, when there is none. */
export async function ensureAdmin(strapi: Core.Strapi): Promise<void> {
  const users = strapi.service("admin::user");
  if (await users.exists()) return;
  const superAdmin = await strapi.service("admin::role").getSuperAdmin();
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = env();
  await users.create({
    email: ADMIN_EMAIL,
    firstname: "Inkstone",
    lastname: "Admin",
    password: ADMIN_PASSWORD,
    isActive: true,
    roles: superAdmin ? [superAdmin.id] : [],
  });
  log().info(`Created the first admin, ${ADMIN_EMAIL} (password from ADMIN_PASSWORD).`);
}

/**
 * Strapi creates an Editor role on first start with every content-type permission except on members; editors
 * also block members, so they get read and update on users too.
 */
export async function ensureEditorRole(strapi: Core.Strapi): Promise<void> {
  const roles = strapi.service("admin::role");
  const permissions = strapi.service("admin::permission");
  const editor = await roles.findOne({ code: "strapi-editor" });
  if (!editor) return;
  const have = await permissions.findMany({ where: { role: editor.id } });
  const { actionProvider } = permissions;
  const actions = actionProvider
    .values()
    .filter(
      (a: { section: string; actionId: string }) => a.section === "contentTypes" && /\.(read|update)$/.test(a.actionId),
    );
  const wanted = strapi
    .service("admin::content-type")
    .getPermissionsWithNestedFields(actions)
    .filter((p: { subject: string }) => p.subject === "plugin::users-permissions.user")
    .filter(
      (p: { action: string; subject: string }) =>
        !have.some((h: { action: string; subject: string }) => h.action === p.action && h.subject === p.subject),
    );
  if (wanted.length) await roles.addPermissions(editor.id, wanted);
}

/** Opens the routes Public and Authenticated need (and only adds: an admin may open more in the panel). */
export async function ensureMemberPermissions(strapi: Core.Strapi): Promise<void> {
  for (const [type, actions] of [
    ["public", PUBLIC_ACTIONS],
    ["authenticated", MEMBER_ACTIONS],
  ] as const) {
    // users-permissions keeps roles and permissions as plain database rows (its own services use db.query, and
    // its role service only replaces a role's whole permission set), so adding the missing ones is done the same way.
    const role = await strapi.db.query("plugin::users-permissions.role").findOne({ where: { type } });
    if (!role) throw new Error(`users-permissions has no ${type} role`);
    const have = await strapi.db.query("plugin::users-permissions.permission").findMany({ where: { role: role.id } });
    const haveActions = new Set(have.map((p: { action: string }) => p.action));
    for (const action of actions)
      if (!haveActions.has(action))
        await strapi.db.query("plugin::users-permissions.permission").create({ data: { action, role: role.id } });
  }
}

/**
 * The community's and the worker's API tokens, with the access keys the launcher (or the deployment) gave them in
 * CMS_COMMUNITY_TOKEN and CMS_WORKER_TOKEN. Strapi stores only a salted hash, so the key is set by hashing it the
 * way Strapi's own token service does; a changed key replaces the old one on the next start.
 */
export async function ensureApiTokens(strapi: Core.Strapi): Promise<void> {
  const { CMS_COMMUNITY_TOKEN, CMS_WORKER_TOKEN } = env();
  const tokens = strapi.service("admin::api-token-content-api");
  for (const [name, accessKey, permissions, description] of [
    [
      "inkstone-community",
      CMS_COMMUNITY_TOKEN,
      COMMUNITY_TOKEN_ACTIONS,
      "The community's reads (set by CMS_COMMUNITY_TOKEN).",
    ],
    [
      "inkstone-worker",
      CMS_WORKER_TOKEN,
      WORKER_TOKEN_ACTIONS,
      "The generation worker's drafts (set by CMS_WORKER_TOKEN).",
    ],
  ] as const) {
    let token = await tokens.getByName(name);
    if (!token)
      token = await tokens.create({
        name,
        description,
        type: "custom",
        kind: "content-api",
        lifespan: null,
        permissions: [...permissions],
      });
    else await tokens.update(token.id, { permissions: [...permissions] });
    // db.query: the token service only generates keys of its own; setting a given key means writing the hash.
    await strapi.db.query("admin::api-token").update({
      where: { id: token.id },
      data: { accessKey: tokens.hash(accessKey), encryptedKey: strapi.service("admin::encryption").encrypt(accessKey) },
    });
  }
}

/**
 * Database-level uniqueness Strapi's `unique` only checks in application code, so races cannot slip through, and
 * the indexes the comment thread, the counters and member sessions read by. These stay here rather than in a migration because
 * they are on content-type tables, which Strapi's schema sync creates after migrations have run: on a fresh
 * database a migration would find no table to index. `IF NOT EXISTS` makes them free on every later start.
 */
export async function ensureContentTypeIndexes(strapi: Core.Strapi): Promise<void> {
  const knex = strapi.db.connection;
  await knex.raw("CREATE UNIQUE INDEX IF NOT EXISTS reactions_key_unique ON reactions (key)");
  await knex.raw("CREATE UNIQUE INDEX IF NOT EXISTS follows_key_unique ON follows (key)");
  await knex.raw("CREATE INDEX IF NOT EXISTS comments_article_idx ON comments (article_document_id, article_locale)");
  await knex.raw("CREATE INDEX IF NOT EXISTS reactions_article_idx ON reactions (article_document_id, kind)");
  await knex.raw("CREATE UNIQUE INDEX IF NOT EXISTS member_sessions_token_unique ON member_sessions (token_hash)");
  await knex.raw("CREATE INDEX IF NOT EXISTS member_sessions_user_idx ON member_sessions (user_id)");
  await knex.raw("CREATE INDEX IF NOT EXISTS member_sessions_expiry_idx ON member_sessions (expires_at)");
  // Built by the member-identities migration on a database that had members already; here on a fresh one.
  await knex.raw("CREATE UNIQUE INDEX IF NOT EXISTS up_users_username_lower_unique ON up_users (lower(username))");
}
