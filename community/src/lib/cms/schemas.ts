import { LOCALES } from "@inkstone/config";
import { z } from "zod";

/** The shapes the community reads from the CMS, parsed where they enter; unknown fields are dropped. */

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? "");
const count = z
  .number()
  .int()
  .nullish()
  .transform((value) => value ?? 0);

export const localeSchema = z.enum(LOCALES);

export const tagSchema = z.object({ name: z.string(), slug: z.string(), description: z.string().nullish() });
export type Tag = z.infer<typeof tagSchema>;

export const categorySchema = tagSchema;
export type Category = Tag;

/** One stored size of an image (the CMS's responsive variants: `jpeg_640`, `webp_640`, `avif_640`…). */
const variantSchema = z.object({ url: z.string(), width: z.number(), height: z.number(), mime: z.string() });

/**
 * The CMS's responsive variants are keyed `<format>_<width>` (cms/src/lib/uploads/variants.ts); other formats, such
 * as the media library's own thumbnail, are for the admin panel.
 */
const VARIANT_KEY = /^(jpeg|png|webp|avif)_\d+$/;

/** An uploaded image: its own file and its variants. A variant missing a field is dropped, not fatal. */
export const imageSchema = z.object({
  url: z.string(),
  alternativeText: z.string().nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
  mime: z.string().nullish(),
  formats: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((formats) =>
      Object.entries(formats ?? {}).flatMap(([key, value]) => {
        const variant = VARIANT_KEY.test(key) ? variantSchema.safeParse(value) : undefined;
        return variant?.success ? [variant.data] : [];
      }),
    ),
});
export type Image = z.infer<typeof imageSchema>;

const media = imageSchema.nullish();

export const authorSchema = z.object({ displayName: z.string(), handle: z.string(), avatar: media });
export type Author = z.infer<typeof authorSchema>;

export const articleSummarySchema = z.object({
  documentId: z.string(),
  locale: localeSchema,
  title: z.string(),
  slug: z.string(),
  summary: text,
  readingTime: count,
  featured: z.boolean().nullish(),
  likesCount: count,
  bookmarksCount: count,
  commentsCount: count,
  publishedAt: z.string(),
  updatedAt: z.string(),
  tags: z
    .array(tagSchema)
    .nullish()
    .transform((tags) => tags ?? []),
  category: categorySchema.nullish().transform((category) => category ?? null),
  author: authorSchema.nullish().transform((author) => author ?? null),
  cover: media.transform((cover) => cover ?? null),
});
export type ArticleSummary = z.infer<typeof articleSummarySchema>;

export const sourceSchema = z.object({ title: z.string(), url: text, excerpt: text });
export type Source = z.infer<typeof sourceSchema>;

export const generationSchema = z.object({
  runId: text,
  model: text,
  promptTokens: count,
  completionTokens: count,
  costUsd: z.union([z.number(), z.string()]).nullish(),
  durationMs: count,
  offlineWriter: z.boolean().nullish(),
});

/** A list row carries the body too; the one-article read adds sources and generation metadata. */
export const articleWithBodySchema = articleSummarySchema.extend({ body: text });
export type ArticleWithBody = z.infer<typeof articleWithBodySchema>;

export const articleSchema = articleWithBodySchema.extend({
  sources: z
    .array(sourceSchema)
    .nullish()
    .transform((sources) => sources ?? []),
  generation: generationSchema.nullish().transform((generation) => generation ?? null),
});
export type Article = z.infer<typeof articleSchema>;

export const paginationSchema = z.object({
  page: z.number(),
  pageSize: z.number(),
  pageCount: z.number().optional(),
  total: z.number(),
});
export type Pagination = { page: number; pageSize: number; pageCount: number; total: number };

/** `{ data: [...], meta: { pagination } }`, with pageCount filled in. */
export const listOf = <S extends z.ZodType>(item: S) =>
  z.object({ data: z.array(item), meta: z.object({ pagination: paginationSchema }) }).transform(({ data, meta }) => ({
    data,
    pagination: {
      ...meta.pagination,
      pageCount: meta.pagination.pageCount ?? Math.ceil(meta.pagination.total / meta.pagination.pageSize),
    } as Pagination,
  }));

export const dataOf = <S extends z.ZodType>(item: S) =>
  z.object({ data: item }).transform((value) => (value as { data: z.output<S> }).data);

export const commentSchema = z.object({
  id: z.string(),
  /** The thread it is in (its article and that article's locale). */
  article: z.string().optional(),
  locale: z.string().optional(),
  parent: z.string().nullable(),
  visibility: z.enum(["visible", "deleted"]),
  body: text,
  edited: z.boolean().nullish(),
  createdAt: z.string(),
  author: z
    .object({ handle: z.string(), displayName: z.string(), avatar: media.transform((avatar) => avatar ?? null) })
    .nullable(),
});
export type Comment = z.infer<typeof commentSchema>;

export const linkSchema = z.object({ label: z.string(), url: z.string() });

export const profileSchema = z.object({
  documentId: z.string(),
  displayName: z.string(),
  handle: z.string(),
  bio: text,
  links: z
    .array(linkSchema)
    .nullish()
    .transform((links) => links ?? []),
  avatar: media.transform((avatar) => avatar ?? null),
});
export type Profile = z.infer<typeof profileSchema>;

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  read: z.boolean(),
  message: text,
  article: z.string().nullish(),
  locale: z.string().nullish(),
  runId: z.string().nullish(),
  createdAt: z.string(),
  actor: z.object({ handle: z.string(), displayName: z.string() }).nullish(),
  /** How many people it stands for (`article_liked`: likes grouped while unread; the actor is the latest). */
  count: z.number().int().nonnegative().nullish(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const authSchema = z.object({
  jwt: z.string(),
  user: z.object({ id: z.number(), documentId: z.string(), username: z.string() }),
});
