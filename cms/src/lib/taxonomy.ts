import { DEFAULT_LOCALE, LOCALES, type Locale } from "@inkstone/config";
import type { Core } from "@strapi/strapi";

/**
 * Tags and categories are localized (a name and description per locale, Strapi i18n) but are one thing in every
 * locale: /en/tags/<slug> and /zh-CN/tags/<slug> are the same tag, and an article row links to the tag's row of
 * its own locale. So every version of one carries the same slug, and every one exists in every locale.
 */
export const TAXONOMY_UIDS = ["api::tag.tag", "api::category.category"] as const;
export type TaxonomyUid = (typeof TAXONOMY_UIDS)[number];

export type TaxonomyEntry = {
  slug: string;
  name: Record<Locale, string>;
  description?: Record<Locale, string>;
};

type Version = { documentId: string; locale: string; slug: string; name: string; description?: string | null };

/** Every version of the document (all locales), through the database: no Document Service middleware in between. */
const versionsOf = (strapi: Core.Strapi, uid: TaxonomyUid, where: Record<string, unknown>) =>
  strapi.db.query(uid).findMany({ where, select: ["documentId", "locale", "slug", "name", "description"] }) as Promise<
    Version[]
  >;

/**
 * The tag or category with `entry.slug`, created with its name (and description) in each locale when there is
 * none, or given the locales it lacks. Returns its documentId, and whether it was new in every locale.
 */
export async function ensureTaxonomy(
  strapi: Core.Strapi,
  uid: TaxonomyUid,
  entry: TaxonomyEntry,
): Promise<{ documentId: string; created: boolean }> {
  const versions = await versionsOf(strapi, uid, { slug: entry.slug });
  const data = (locale: Locale) => ({
    slug: entry.slug,
    name: entry.name[locale],
    ...(entry.description ? { description: entry.description[locale] } : {}),
  });
  let documentId = versions[0]?.documentId;
  for (const locale of [DEFAULT_LOCALE, ...LOCALES.filter((l) => l !== DEFAULT_LOCALE)]) {
    if (versions.some((v) => v.documentId === documentId && v.locale === locale)) continue;
    const saved = documentId
      ? await strapi.documents(uid).update({ documentId, locale, data: data(locale) } as never)
      : await strapi.documents(uid).create({ locale, data: data(locale) } as never);
    documentId ??= (saved as { documentId: string }).documentId;
  }
  if (!documentId) throw new Error(`${uid} ${entry.slug} was not created`);
  return { documentId, created: versions.length === 0 };
}

/**
 * Gives the document every locale it lacks, named as an existing version is (a tag a generation created in one
 * language is the same word in the other until an editor translates it), so articles of any locale can link it.
 */
export async function completeLocales(strapi: Core.Strapi, uid: TaxonomyUid, documentId: string): Promise<void> {
  const versions = await versionsOf(strapi, uid, { documentId });
  const source = versions.find((v) => v.locale === DEFAULT_LOCALE) ?? versions[0];
  if (!source || versions.length >= LOCALES.length) return;
  const everywhere = <T>(value: T) => Object.fromEntries(LOCALES.map((l) => [l, value])) as Record<Locale, T>;
  await ensureTaxonomy(strapi, uid, {
    slug: source.slug,
    name: everywhere(source.name),
    ...(source.description ? { description: everywhere(source.description) } : {}),
  });
}

/**
 * Keeps one slug per tag or category across its locales, whoever writes: a new locale added in the admin takes the
 * slug the others have (the admin would otherwise derive one from the translated name), and a slug an editor
 * changes in one locale changes in all. Registered after the search's source events, so it runs inside their
 * transaction and the re-index they queue sees every locale's slug.
 */
export function registerTaxonomySlugs(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!(TAXONOMY_UIDS as readonly string[]).includes(context.uid) || context.action !== "update") return next();
    const uid = context.uid as TaxonomyUid;
    const params = context.params as { documentId?: string; locale?: string; data?: { slug?: string } };
    if (!params.documentId || !params.data) return next();
    const locale = params.locale ?? DEFAULT_LOCALE;
    const versions = await versionsOf(strapi, uid, { documentId: params.documentId });
    const others = versions.filter((v) => v.locale !== locale);
    const isNewLocale = others.length === versions.length;
    if (isNewLocale && others[0]) params.data.slug = others[0].slug;
    const result = await next();
    const slug = params.data.slug;
    if (!isNewLocale && slug && others.some((v) => v.slug !== slug))
      await strapi.db.query(uid).updateMany({ where: { documentId: params.documentId }, data: { slug } });
    return result;
  });
}
