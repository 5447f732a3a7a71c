import { z } from "zod";
import { LOCALES } from "../constants.ts";

/** A source a generated article read and cites; citations `[n]` number these in order, from 1. */
export const articleSourceSchema = z.object({
  title: z.string().min(1).max(300),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  excerpt: z.string().max(2000).default(""),
});
export type ArticleSource = z.infer<typeof articleSourceSchema>;

/** What a generation run records about itself on the draft it saves. */
export const generationMetadataSchema = z.object({
  runId: z.string().min(1).max(200),
  model: z.string().max(200),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().default(0),
  durationMs: z.number().int().nonnegative(),
  /** True when no LLM was configured and the offline writer composed the article extractively. */
  offlineWriter: z.boolean(),
});
export type GenerationMetadata = z.infer<typeof generationMetadataSchema>;

/**
 * Body of `PUT /api/generation/drafts/:runId` (worker → CMS, worker API token).
 * Upserts one draft per run id; a second call with the same run id updates that draft.
 */
export const generationDraftSchema = z.strictObject({
  /** The creator: the users-permissions user's documentId. */
  creatorId: z.string().min(1).max(100),
  locale: z.enum(LOCALES),
  title: z.string().min(1).max(200),
  summary: z.string().max(1000).default(""),
  body: z.string().min(1).max(200_000),
  /** Tag names; the CMS creates missing tags. */
  tags: z.array(z.string().min(1).max(60)).max(10).default([]),
  sources: z.array(articleSourceSchema).max(50).default([]),
  generation: generationMetadataSchema,
});
export type GenerationDraft = z.infer<typeof generationDraftSchema>;

/** Body of `POST /api/generation/runs/:runId/failed`: tells the creator their run failed. */
export const generationFailureSchema = z.strictObject({
  creatorId: z.string().min(1).max(100),
  topic: z.string().max(200),
  reason: z.string().min(1).max(1000),
});
export type GenerationFailure = z.infer<typeof generationFailureSchema>;

/** Response of the upsert: which draft now holds the run. */
export type GenerationDraftSaved = { documentId: string; locale: string; created: boolean };
