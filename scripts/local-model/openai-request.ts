// The part of OpenAI's chat completions request the local server understands. Anything else a client sends (n,
// tools, logprobs…) is ignored rather than refused, as most OpenAI-compatible servers do, except where ignoring it
// would change the answer's shape (n > 1).
import { z } from "zod";

const content = z.union([
  z.string(),
  // The array form, as the SDK may send it: only text parts are understood.
  z
    .array(z.object({ type: z.literal("text"), text: z.string() }), {
      error: "only text content parts are supported",
    })
    .transform((parts) => parts.map((part) => part.text).join("")),
]);

const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"], {
    error: "role must be system, developer, user or assistant",
  }),
  content: z.union([content, z.null()]).transform((value) => value ?? ""),
});

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()) }),
  }),
]);

export const chatRequestSchema = z.object({
  model: z.string().min(1, { error: "model is required" }),
  messages: z
    .array(message)
    .min(1, { error: "messages must not be empty" })
    .refine((messages) => messages.at(-1)?.role === "user", { error: "the last message must be the user's" }),
  stream: z.boolean().default(false),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4, { error: "at most 4 stop sequences" })])
    .nullish()
    .transform((value) => (value == null ? [] : typeof value === "string" ? [value] : value).filter(Boolean)),
  n: z.literal(1, { error: "only n = 1 is supported" }).nullish(),
  response_format: responseFormat.nullish(),
});

export type ChatRequestBody = z.infer<typeof chatRequestSchema>;
export type RequestMessage = ChatRequestBody["messages"][number];

/** An OpenAI-style error body, which the OpenAI SDK turns into an APIError with this message. */
export function errorBody(message: string, type: string, param?: string, code?: string) {
  return { error: { message, type, param: param ?? null, code: code ?? null } };
}

/** The first problem zod found, in words a client can act on ("messages.1.role: role must be …"). */
export function describeIssue(error: z.ZodError): { message: string; param?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: "invalid request" };
  const param = issue.path.join(".");
  return { message: param ? `${param}: ${issue.message}` : issue.message, param: param || undefined };
}
