import type { GenerationInput } from "../generation/request.ts";
import type { ReadSource, RunLog } from "../research/types.ts";

/** The article's plan; `sources` numbers refer to the read sources, from 1. */
export type Outline = {
  title: string;
  summary: string;
  tags: string[];
  sections: { heading: string; points: string[]; sources: number[] }[];
};

/** Creator material that has no URL (pasted references, uploaded files): background, never cited. */
export type Material = { name: string; text: string };

export type WriteContext = {
  request: GenerationInput;
  sources: readonly ReadSource[];
  material: readonly Material[];
  signal: AbortSignal;
  log: RunLog;
  /** Tag names the community already uses; the offline writer suggests those its sources mention. */
  taxonomy?: readonly string[];
};

/** Tokens one call spent, reported as they happen so the run's totals survive a lost worker. */
export type UsageReport = { model: string; promptTokens: number; completionTokens: number };

/** Writes the outline, then each section's Markdown body with `[n]` citations. */
export type Writer = {
  /** True for the extractive writer used when no LLM is configured. */
  offline: boolean;
  /** Model names used, for the draft's metadata. */
  models: string[];
  outline(context: WriteContext): Promise<Outline>;
  /**
   * Section `index`'s Markdown with `[n]` citations; `written` are the sections before it (a repeat of one is not
   * kept). An empty answer means the section could not be written well and is left out (the writer logged why).
   */
  section(context: WriteContext, outline: Outline, index: number, written?: readonly string[]): Promise<string>;
};

/** The creator's pasted references and uploaded files as material. */
export function materialOf(request: GenerationInput): Material[] {
  const material: Material[] = [];
  if (request.references.trim()) material.push({ name: "pasted references", text: request.references.trim() });
  for (const file of request.files)
    if (file.content.trim()) material.push({ name: file.name, text: file.content.trim() });
  return material;
}
