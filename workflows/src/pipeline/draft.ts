import { type GenerationDraft, generationDraftSchema } from "@inkstone/config";
import type { GenerationInput } from "../generation/request.ts";
import type { AssembledArticle } from "../writer/citations.ts";
import type { Outline } from "../writer/types.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { PipelineError } from "./errors.ts";

/** The CMS draft for a finished article, validated against the shared contract before it is sent. */
export function buildDraft(input: {
  runId: string;
  request: GenerationInput;
  outline: Outline;
  article: AssembledArticle;
  checkpoint: Checkpoint;
  offline: boolean;
  models: string[];
  now: number;
}): GenerationDraft {
  const { request, outline, article, checkpoint } = input;
  const usage = checkpoint.usage;
  const candidate = {
    creatorId: request.creatorId,
    locale: request.language,
    title: (outline.title || request.topic).slice(0, 200),
    summary: outline.summary.replace(/\s*\[\d+\]/g, "").slice(0, 1000),
    body: article.body.slice(0, 200_000),
    tags: [...new Set(outline.tags)].slice(0, 10),
    sources: article.sources.slice(0, 50).map((source) => ({
      title: source.title.slice(0, 300) || source.url.slice(0, 300),
      url: source.url,
      excerpt: source.text.slice(0, 300),
    })),
    generation: {
      runId: input.runId,
      model: (usage.models.length ? usage.models : input.models).join(", ").slice(0, 200),
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costUsd: Number(usage.costUsd.toFixed(6)),
      durationMs: Math.max(0, Math.round(input.now - checkpoint.firstStartedAt)),
      offlineWriter: input.offline,
    },
  };
  const parsed = generationDraftSchema.safeParse(candidate);
  if (!parsed.success)
    throw new PipelineError(
      "invalid-draft",
      `the draft does not fit the CMS contract: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      false,
    );
  return parsed.data;
}
