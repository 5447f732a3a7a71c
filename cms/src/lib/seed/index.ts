import type { Core } from "@strapi/strapi";
import { recount } from "../counts.ts";
import { readingMinutes } from "../slugs.ts";
import { ensureTaxonomy, type TaxonomyEntry, type TaxonomyUid } from "../taxonomy.ts";
import { CATEGORIES, COMMENTS, type DemoArticle, demoArticles, MEMBERS, TAGS } from "./content.ts";

export type SeedProgress = (done: number, total: number, step: string) => void;

const ARTICLE = "api::article.article";
const PROFILE = "api::profile.profile";
const COMMENT = "api::comment.comment";
const REACTION = "api::reaction.reaction";
const FOLLOW = "api::follow.follow";
const DEMO_PASSWORD = "Inkstone-demo-1";

/**
 * Loads the demo content. Idempotent: whatever already exists (by username, slug) is left as it is, so it can run
 * on every first start and again by hand. Members sign in with their username and the password `Inkstone-demo-1`.
 */
export async function seed(strapi: Core.Strapi, progress: SeedProgress = () => {}): Promise<{ created: number }> {
  const articles = demoArticles();
  const total = MEMBERS.length + TAGS.length + CATEGORIES.length + articles.length + 1;
  let done = 0;
  let created = 0;
  const step = (what: string) => progress(++done, total, what);

  const profiles = new Map<string, { id: number; documentId: string }>();
  // Members are users-permissions accounts, which that plugin reads and writes through db.query itself.
  const role = await strapi.db.query("plugin::users-permissions.role").findOne({ where: { type: "authenticated" } });
  for (const member of MEMBERS) {
    let user = await strapi.db
      .query("plugin::users-permissions.user")
      .findOne({ where: { username: member.username } });
    if (!user) {
      user = await strapi
        .plugin("users-permissions")
        .service("user")
        .add({
          username: member.username,
          email: `${member.username}@demo.inkstone.local`,
          password: DEMO_PASSWORD,
          provider: "local",
          confirmed: true,
          blocked: false,
          role: role?.id,
        });
      created++;
    }
    const profile = await strapi.documents(PROFILE).findFirst({ filters: { user: { id: user.id } } });
    if (profile && !profile.bio)
      await strapi.documents(PROFILE).update({
        documentId: profile.documentId,
        data: { displayName: member.displayName, bio: member.bio },
      } as never);
    if (profile) profiles.set(member.username, { id: Number(profile.id), documentId: profile.documentId });
    step(`member ${member.username}`);
  }

  const tags = new Map<string, string>();
  for (const tag of TAGS) tags.set(tag.slug, await ensureSeeded(strapi, "api::tag.tag", tag, () => created++));
  for (const _ of TAGS) step("tags");
  const categories = new Map<string, string>();
  for (const category of CATEGORIES)
    categories.set(category.slug, await ensureSeeded(strapi, "api::category.category", category, () => created++));
  for (const _ of CATEGORIES) step("categories");

  const documents: { id: string; article: DemoArticle }[] = [];
  for (const article of articles) {
    // Every article has a draft in each of its locales; the English one carries the English slug.
    const existing = await strapi
      .documents(ARTICLE)
      .findFirst({ locale: "en", filters: { slug: article.versions.en.slug }, fields: ["slug"] });
    const id = existing?.documentId ?? (await createArticle(strapi, article, profiles, tags, categories));
    if (!existing) created++;
    documents.push({ id, article });
    step(`article ${article.key}`);
  }

  await addInteractions(strapi, documents, [...profiles.values()]);
  step("comments, likes, bookmarks and follows");
  return { created };
}

/** A demo tag or category in both locales, by slug; counted as created when it was not there in any locale. */
async function ensureSeeded(
  strapi: Core.Strapi,
  uid: TaxonomyUid,
  entry: TaxonomyEntry,
  onCreate: () => void,
): Promise<string> {
  const { documentId, created } = await ensureTaxonomy(strapi, uid, entry);
  if (created) onCreate();
  return documentId;
}

async function createArticle(
  strapi: Core.Strapi,
  article: DemoArticle,
  profiles: Map<string, { documentId: string }>,
  tags: Map<string, string>,
  categories: Map<string, string>,
): Promise<string> {
  const shared = {
    tags: article.tags.map((slug) => tags.get(slug)).filter(Boolean),
    category: categories.get(article.category),
    author: profiles.get(article.author)?.documentId,
    featured: article.featured,
  };
  const version = (locale: "en" | "zh-CN") => {
    const v = article.versions[locale];
    return { ...v, readingTime: readingMinutes(v.body) };
  };
  const documents = strapi.documents(ARTICLE);
  const zh = await documents.create({ locale: "zh-CN", data: { ...shared, ...version("zh-CN") } } as never);
  await documents.update({ documentId: zh.documentId, locale: "en", data: { ...shared, ...version("en") } } as never);
  await documents.publish({ documentId: zh.documentId, locale: "*" } as never);
  // Spread publication dates over the past weeks so "latest" has an order worth showing (in SQL: the Document
  // Service stamps publishedAt itself and does not let a caller set it).
  await strapi.db.connection.raw(
    "UPDATE articles SET published_at = now() - make_interval(days => ?) WHERE document_id = ? AND published_at IS NOT NULL",
    [article.daysAgo, zh.documentId],
  );
  return zh.documentId;
}

/** Deterministic comments, replies, likes, bookmarks and follows, then every article's counts. */
async function addInteractions(
  strapi: Core.Strapi,
  documents: { id: string; article: DemoArticle }[],
  members: { id: number; documentId: string }[],
): Promise<void> {
  for (const [n, { id }] of documents.entries()) {
    for (const locale of ["zh-CN", "en"] as const) {
      const threads = await strapi
        .documents(COMMENT)
        .count({ filters: { articleDocumentId: id, articleLocale: locale } });
      if (threads > 0) continue;
      const texts = COMMENTS[locale];
      const first = members[n % members.length];
      const second = members[(n + 3) % members.length];
      if (!first || !second) continue;
      const top = await strapi.documents(COMMENT).create({
        data: {
          articleDocumentId: id,
          articleLocale: locale,
          author: first.documentId,
          body: texts[n % texts.length],
          visibility: "visible",
        },
      } as never);
      await strapi.documents(COMMENT).create({
        data: {
          articleDocumentId: id,
          articleLocale: locale,
          author: second.documentId,
          parent: top.documentId,
          body: texts[(n + 1) % texts.length],
          visibility: "visible",
        },
      } as never);
    }
    for (const [i, member] of members.entries()) {
      for (const kind of ["like", "bookmark"] as const) {
        const wanted = kind === "like" ? (i + n) % 3 === 0 : (i * n) % 5 === 1;
        const key = `${member.id}:${id}:${kind}`;
        if (wanted && !(await strapi.documents(REACTION).findFirst({ filters: { key } })))
          await strapi
            .documents(REACTION)
            .create({ data: { key, member: member.documentId, articleDocumentId: id, kind } } as never);
      }
    }
    await recount(strapi.db.connection, id);
  }
  const tags = await strapi.documents("api::tag.tag").findMany({ limit: 100 });
  for (const [i, member] of members.entries()) {
    const authors = [members[(i + 1) % members.length], members[(i + 2) % members.length]];
    const followTags = [tags[i % tags.length], tags[(i + 4) % tags.length]];
    const follow = async (key: string, target: { author: string } | { tag: string }) => {
      if (await strapi.documents(FOLLOW).findFirst({ filters: { key } })) return;
      const targetType = "author" in target ? "author" : "tag";
      await strapi
        .documents(FOLLOW)
        .create({ data: { key, follower: member.documentId, targetType, ...target } } as never);
    };
    for (const author of authors)
      if (author) await follow(`${member.id}:author:${author.id}`, { author: author.documentId });
    for (const tag of followTags) if (tag) await follow(`${member.id}:tag:${tag.id}`, { tag: tag.documentId });
  }
}
