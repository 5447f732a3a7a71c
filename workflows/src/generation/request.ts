import { createHash } from "node:crypto";
import { LOCALES } from "@inkstone/config";
import { z } from "zod";

/** Pasted references and uploaded files together. */
export const MATERIAL_LIMIT = 50_000;
export const TARGET_LENGTH = { min: 300, max: 6000, default: 1200 } as const;

const text = (max: number) => z.string().trim().max(max);

const uploadedFileSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/\.(md|markdown|txt)$/i, { error: "only .md, .markdown and .txt files can be uploaded" }),
  content: z.string(),
});

const sourceUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2048)
  .transform((value) => new URL(value).href);

/** What a creator submits on `/write`, plus who they are; parsed where it enters (the community, the client). */
export const generationInputSchema = z
  .strictObject({
    /** The users-permissions user's documentId; restricted so it is safe inside a visibility query and a run id. */
    creatorId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "must be 1–100 letters, digits, _ or -" }),
    topic: text(200).min(1, { error: "a topic is required" }),
    idea: text(5000).default(""),
    references: z.string().max(MATERIAL_LIMIT).default(""),
    files: z.array(uploadedFileSchema).max(10).default([]),
    urls: z.array(sourceUrlSchema).max(20, { error: "at most 20 source URLs" }).default([]),
    language: z.enum(LOCALES).default("zh-CN"),
    targetLength: z.number().int().min(TARGET_LENGTH.min).max(TARGET_LENGTH.max).default(TARGET_LENGTH.default),
    style: text(300).default(""),
    model: z
      .string()
      .trim()
      .regex(/^[\w.:/@-]{1,100}$/, { error: "not a model name" })
      .optional(),
    webSearch: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    const material = input.references.length + input.files.reduce((sum, file) => sum + file.content.length, 0);
    if (material > MATERIAL_LIMIT)
      ctx.addIssue({
        code: "custom",
        path: ["references"],
        message: `references and files hold ${material} characters together; the limit is ${MATERIAL_LIMIT}`,
      });
  });

export type GenerationInput = z.infer<typeof generationInputSchema>;
/** What the form sends before defaults are applied. */
export type GenerationInputDraft = z.input<typeof generationInputSchema>;

/** The request with whitespace and URL order normalised, so trivially different submits compare equal. */
export function normaliseInput(input: GenerationInput): GenerationInput {
  const squash = (value: string) => value.replace(/\s+/g, " ").trim();
  return {
    ...input,
    topic: squash(input.topic),
    idea: input.idea.trim(),
    references: input.references.trim(),
    style: squash(input.style),
    urls: [...new Set(input.urls)],
    files: input.files.map((file) => ({ name: file.name, content: file.content.trim() })),
  };
}

/**
 * The run id (Temporal workflow id, and the draft's upsert key): the creator plus a hash of the normalised request,
 * so submitting the same request twice finds the same run.
 */
export function runIdFor(input: GenerationInput): string {
  const { creatorId, ...request } = normaliseInput(input);
  const hash = createHash("sha256").update(canonicalJson(request)).digest("base64url").slice(0, 22);
  return `gen-${creatorId}-${hash}`;
}

/** JSON with object keys sorted at every depth, so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}
