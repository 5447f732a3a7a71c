import { z } from "zod";
import { articleSourceSchema } from "./generation-draft.ts";

/**
 * Where a creator's article stands in review. `draft` (the creator is working on it) → `submitted` (waiting for an
 * editor) → `changes_requested` (an editor's note asks for more; the creator edits and submits again) → `published`;
 * or `declined` (an editor's note says why; it will not be published). Withdrawing a submission goes back to `draft`.
 */
export const REVIEW_STATES = ["draft", "submitted", "changes_requested", "published", "declined"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** States in which the creator may edit the draft (a submitted one is withdrawn first). */
export const EDITABLE_REVIEW_STATES: readonly ReviewState[] = ["draft", "changes_requested"];

/** The creator's article in the studio (`GET /api/studio/articles/:documentId`, member JWT; anyone else: 404). */
export type StudioArticle = {
  documentId: string;
  locale: string;
  title: string;
  summary: string;
  /** Markdown; citations `[n]` number `sources` from 1. */
  body: string;
  sources: { title: string; url: string; excerpt: string }[];
  tags: string[];
  reviewState: ReviewState;
  /** The editor's last note (changes requested, declined); "" when none. */
  reviewNote: string;
  submittedAt: string | null;
  publishedAt: string | null;
  /** ISO time of the draft version this was read from: sent back on save, a newer one answers 409. */
  version: string;
  runId: string | null;
  slug: string;
};

/** A row of the studio's article list (`GET /api/studio/articles`). */
export type StudioArticleSummary = Pick<
  StudioArticle,
  "documentId" | "locale" | "title" | "reviewState" | "reviewNote" | "submittedAt" | "publishedAt" | "runId" | "slug"
> & { updatedAt: string };

/** Body `data` of `PUT /api/studio/articles/:documentId?locale=…`: a new version of the creator's draft. */
export const studioDraftSchema = z.strictObject({
  title: z.string().trim().min(1, { error: "a title is required" }).max(200),
  summary: z.string().trim().max(1000).default(""),
  body: z.string().trim().min(1, { error: "the article needs a body" }).max(200_000),
  sources: z.array(articleSourceSchema).max(50).default([]),
  version: z.iso.datetime({ offset: true, error: "expected the version the draft was read at (an ISO time)" }),
});
export type StudioDraft = z.infer<typeof studioDraftSchema>;

/** Body `data` of an editor's review decision (`request changes`, `decline`): the note the creator reads. */
export const reviewNoteSchema = z.string().trim().min(1, { error: "write a note the creator can act on" }).max(2000);

// ——— Citations: the same rules for the community's editor and the CMS's validation ———

const CITATION = /\[(\d{1,3})\]/g;

/** Each `[n]` in `body`, in order of appearance. */
export function citationsIn(body: string): number[] {
  return [...body.matchAll(CITATION)].map((match) => Number(match[1]));
}

/** Problems a person can act on: citations that point to no listed source. Empty when every `[n]` is in 1..count. */
export function citationProblems(body: string, sourceCount: number): string[] {
  const outside = [...new Set(citationsIn(body).filter((n) => n < 1 || n > sourceCount))];
  return outside.map((n) =>
    sourceCount === 0
      ? `[${n}] cites a source, but the article lists none`
      : `[${n}] points to no source: the article lists ${sourceCount} (cite [1] to [${sourceCount}])`,
  );
}

/**
 * Removes source `index` (1-based) from the article: its citations go, later ones are renumbered, so every `[n]`
 * still points to the source it pointed to before.
 */
export function removeSource<S>(body: string, sources: readonly S[], index: number): { body: string; sources: S[] } {
  if (!Number.isInteger(index) || index < 1 || index > sources.length) return { body, sources: [...sources] };
  // A removed marker takes the spaces before it along, so "word [2]." becomes "word." and nothing else moves.
  const renumbered = body.replace(/[ \t]*\[(\d{1,3})\]/g, (marker, digits: string) => {
    const n = Number(digits);
    if (n === index) return "";
    return n > index && n <= sources.length ? marker.replace(`[${n}]`, `[${n - 1}]`) : marker;
  });
  return { body: renumbered, sources: sources.filter((_, i) => i !== index - 1) };
}
