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

/**
 * Answers 403 with a machine-readable `code` beside Strapi's error shape. Set on the context rather than thrown:
 * Strapi replaces a thrown ForbiddenError's message with a bare "Forbidden", and callers act on the code.
 */
export function forbidWithCode(ctx: { status?: number; body?: unknown }, code: string, message: string): void {
  ctx.status = 403;
  ctx.body = { data: null, error: { status: 403, name: "ForbiddenError", code, message, details: { code } } };
}
