import { type Locale, REVIEW_STATES, type StudioArticle, type StudioDraft } from "@inkstone/config";
import { z } from "zod";
import { CmsError } from "./errors.ts";
import { cms } from "./http.ts";
import { articleSchema, dataOf, listOf, sourceSchema } from "./schemas.ts";

/**
 * The creator's studio in the CMS (`/api/studio/articles`, the contract in config/src/contracts/studio.ts): their own
 * articles and drafts, as the member (their JWT) — anyone else's answer 404 there. And the preview of a draft, with
 * the community's token, which only the signed preview page asks for.
 */

const as = (jwt: string) => ({ as: "member", jwt }) as const;
const BASE = "/api/studio/articles";

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? "");
const when = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const summaryFields = {
  documentId: z.string(),
  locale: z.string(),
  title: z.string(),
  reviewState: z.enum(REVIEW_STATES),
  reviewNote: text,
  submittedAt: when,
  publishedAt: when,
  runId: when,
  slug: text,
};

export const studioArticleSummarySchema = z.object({ ...summaryFields, updatedAt: z.string() });
export type StudioArticleRow = z.infer<typeof studioArticleSummarySchema>;

export const studioArticleSchema = z.object({
  ...summaryFields,
  summary: text,
  body: text,
  sources: z
    .array(sourceSchema)
    .nullish()
    .transform((sources) => sources ?? []),
  tags: z
    .array(z.string())
    .nullish()
    .transform((tags) => tags ?? []),
  version: z.string(),
}) satisfies z.ZodType<StudioArticle>;

/** Where one article of the studio is: its document and the language version. */
export type StudioTarget = { documentId: string; locale: Locale };

const one = ({ documentId, locale }: StudioTarget, action = "") =>
  `${BASE}/${encodeURIComponent(documentId)}${action}?locale=${encodeURIComponent(locale)}`;

/** The member's articles, each language version once, the most recently changed first. */
export const myStudioArticles = (jwt: string, page = 1, pageSize = 10) =>
  cms(BASE, listOf(studioArticleSummarySchema), { auth: as(jwt), query: { page, pageSize } });

/** The member's own article (its draft version); anyone else's is a CmsError 404. */
export const myStudioArticle = (jwt: string, target: StudioTarget) =>
  cms(one(target), dataOf(studioArticleSchema), { auth: as(jwt) });

/**
 * Saves a new draft version. CmsError 400 with per-field messages; 409 `stale_version` (a newer version was saved
 * since `draft.version`) or `not_editable` (submitted, published or declined), in `reason`.
 */
export const saveMyDraft = (jwt: string, target: StudioTarget, draft: StudioDraft) =>
  cms(one(target), dataOf(studioArticleSchema), { auth: as(jwt), method: "PUT", body: { data: draft } });

/** Sends the draft to the editors (draft or changes requested → submitted); 409 from any other state. */
export const submitMyArticle = (jwt: string, target: StudioTarget) =>
  cms(one(target, "/submit"), dataOf(studioArticleSchema), { auth: as(jwt), method: "POST" });

/** Takes a submission back (submitted → draft); 409 from any other state. */
export const withdrawMyArticle = (jwt: string, target: StudioTarget) =>
  cms(one(target, "/withdraw"), dataOf(studioArticleSchema), { auth: as(jwt), method: "POST" });

/** A draft as the public article read has it, but not published yet: no publication date. */
export const draftArticleSchema = articleSchema.extend({ publishedAt: when });

/**
 * The draft of `target` in the shape of the public article read (`GET /api/previews/:documentId`, the community's
 * token), for the signed preview page; null when there is no such document in that language.
 */
export async function previewDraft(target: StudioTarget) {
  const path = `/api/previews/${encodeURIComponent(target.documentId)}`;
  try {
    return await cms(path, dataOf(draftArticleSchema), { auth: { as: "community" }, query: { locale: target.locale } });
  } catch (error) {
    if (error instanceof CmsError && error.status === 404) return null;
    throw error;
  }
}
