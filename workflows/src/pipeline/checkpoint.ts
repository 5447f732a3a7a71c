import { z } from "zod";
import type { Candidate, ReadSource } from "../research/types.ts";
import { UNREAD_REASONS, type UnreadSource } from "../run/log-keys.ts";
import type { Usage, WorkStage } from "../run/run-state.ts";
import type { WrittenSection } from "../writer/citations.ts";
import type { Outline } from "../writer/types.ts";

/**
 * What an attempt has finished, carried in heartbeat details (and handed to the next attempt by the workflow):
 * a resumed run skips every step recorded here.
 */
export type Checkpoint = {
  version: 1;
  /** When the first attempt took a slot (the draft's duration counts from here). */
  firstStartedAt: number;
  /** Research results; dropped once sources are read. */
  candidates?: Candidate[];
  sources?: ReadSource[];
  /** Sources that could not be read, and why; kept for the result once they are read. */
  unread?: UnreadSource[];
  outline?: Outline;
  /** The writer the run started writing with; a resumed attempt keeps it, so one draft never mixes two writers. */
  writer?: { offline: boolean; models: string[] };
  sections: WrittenSection[];
  usage: Usage;
};

const origin = z.enum(["creator", "community", "searxng", "serper"]);
const checkpointSchema = z.object({
  version: z.literal(1),
  firstStartedAt: z.number(),
  candidates: z
    .array(z.object({ url: z.string(), title: z.string(), snippet: z.string(), origin, text: z.string().optional() }))
    .optional(),
  sources: z.array(z.object({ url: z.string(), title: z.string(), text: z.string(), origin })).optional(),
  unread: z
    .array(
      z.object({
        url: z.string(),
        reason: z.enum(UNREAD_REASONS),
        status: z.number().optional(),
        type: z.string().optional(),
        target: z.string().optional(),
        detail: z.string().optional(),
      }),
    )
    .optional(),
  outline: z
    .object({
      title: z.string(),
      summary: z.string(),
      tags: z.array(z.string()),
      sections: z.array(z.object({ heading: z.string(), points: z.array(z.string()), sources: z.array(z.number()) })),
    })
    .optional(),
  writer: z.object({ offline: z.boolean(), models: z.array(z.string()) }).optional(),
  sections: z.array(z.object({ heading: z.string(), text: z.string() })),
  usage: z.object({
    promptTokens: z.number(),
    completionTokens: z.number(),
    costUsd: z.number(),
    models: z.array(z.string()),
  }),
});

/** A fresh checkpoint, or the one a previous attempt left (`resumed`); an unreadable one counts as none. */
export function restoreCheckpoint(raw: unknown, now: number): { checkpoint: Checkpoint; resumed: boolean } {
  const parsed = checkpointSchema.safeParse(raw);
  if (parsed.success) return { checkpoint: parsed.data, resumed: true };
  return {
    checkpoint: {
      version: 1,
      firstStartedAt: now,
      sections: [],
      usage: { promptTokens: 0, completionTokens: 0, costUsd: 0, models: [] },
    },
    resumed: false,
  };
}

/** A line for the run log saying what a resumed attempt skips. */
export function describeCheckpoint(checkpoint: Checkpoint): string {
  const done: string[] = [];
  if (checkpoint.candidates || checkpoint.sources) done.push("research");
  if (checkpoint.sources) done.push(`${checkpoint.sources.length} sources read`);
  if (checkpoint.outline) done.push("outline");
  if (checkpoint.outline)
    done.push(`${checkpoint.sections.length} of ${checkpoint.outline.sections.length} sections written`);
  return done.length ? `already done: ${done.join(", ")}` : "nothing was finished before; starting over";
}

/** What a resumed attempt skips, as the values of its log line (see describeCheckpoint). */
export function checkpointProgress(checkpoint: Checkpoint): {
  research: boolean;
  sourcesRead?: number;
  outline: boolean;
  written?: number;
  sections?: number;
} {
  return {
    research: Boolean(checkpoint.candidates || checkpoint.sources),
    ...(checkpoint.sources ? { sourcesRead: checkpoint.sources.length } : {}),
    outline: Boolean(checkpoint.outline),
    ...(checkpoint.outline
      ? { written: checkpoint.sections.length, sections: checkpoint.outline.sections.length }
      : {}),
  };
}

/** The stage an attempt starting from `checkpoint` begins with. */
export function nextStage(checkpoint: Checkpoint): WorkStage {
  if (!checkpoint.candidates && !checkpoint.sources) return "research";
  if (!checkpoint.sources) return "read";
  if (!checkpoint.outline) return "outline";
  return checkpoint.sections.length < checkpoint.outline.sections.length ? "write" : "assemble";
}
