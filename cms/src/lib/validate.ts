import { errors } from "@strapi/utils";
import type { z } from "zod";

/**
 * Parses untrusted input; on failure throws Strapi's ValidationError, which answers 400 with one message per field
 * (`details.errors[].path` and `.message`) — and nothing has been written yet.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors = result.error.issues.map((issue) => ({
    path: issue.path.map(String),
    message: issue.message,
    name: "ValidationError",
  }));
  const summary = fieldErrors.map((e) => (e.path.length ? `${e.path.join(".")}: ${e.message}` : e.message)).join("; ");
  throw new errors.ValidationError(summary, { errors: fieldErrors });
}
