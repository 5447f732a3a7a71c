import { z } from "zod";
import type { Outline } from "./types.ts";

const outlineSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1)
    .transform((value) => value.slice(0, 200)),
  summary: z
    .string()
    .trim()
    .default("")
    .transform((value) => value.slice(0, 1000)),
  tags: z
    .array(z.string().trim().min(1))
    .default([])
    .transform((tags) => tags.map((tag) => tag.slice(0, 60)).slice(0, 5)),
  sections: z
    .array(
      z.object({
        heading: z
          .string()
          .trim()
          .min(1)
          .transform((value) => value.slice(0, 200)),
        points: z.array(z.string()).default([]),
        sources: z.array(z.coerce.number().int()).default([]),
      }),
    )
    .min(1)
    .transform((sections) => sections.slice(0, 10)),
});

/**
 * The outline's shape as a JSON Schema, sent with the outline request (`response_format`) so an endpoint that
 * constrains its output (a grammar, structured outputs) can only answer with a readable outline.
 */
export const OUTLINE_JSON_SCHEMA = {
  type: "object",
  properties: {
    title: { type: "string" },
    summary: { type: "string" },
    tags: { type: "array", items: { type: "string" }, maxItems: 5 },
    sections: {
      type: "array",
      minItems: 3,
      maxItems: 8,
      items: {
        type: "object",
        properties: {
          heading: { type: "string" },
          points: { type: "array", items: { type: "string" }, maxItems: 5 },
          sources: { type: "array", items: { type: "integer" }, maxItems: 5 },
        },
        required: ["heading", "points", "sources"],
      },
    },
  },
  required: ["title", "summary", "tags", "sections"],
} as const;

/** The outline in a model's answer: the JSON object, with or without code fences and chatter around it. */
export function parseOutline(text: string, sourceCount: number): Outline | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    // Not JSON: the caller asks the model again or falls back to the offline outline.
    return undefined;
  }
  const parsed = outlineSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return {
    ...parsed.data,
    sections: parsed.data.sections.map((section) => ({
      ...section,
      sources: section.sources.filter((n) => n >= 1 && n <= sourceCount),
    })),
  };
}
