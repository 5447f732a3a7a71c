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

/** A refusal that leaves everything as it was: thrown inside a transaction (rolling it back), answered 409. */
export class Conflict extends Error {
  /** Tells the caller which refusal it is (`error.code` and `details.code`), when it must act differently on each. */
  code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Runs `work`; a Conflict it throws answers 409 `ConflictError` with its message (Strapi has no 409 error class). */
export async function answerConflicts(
  ctx: { status?: number; body?: unknown },
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    const { code, message } = error;
    ctx.status = 409;
    ctx.body = {
      data: null,
      error: { status: 409, name: "ConflictError", message, ...(code ? { code } : {}), details: code ? { code } : {} },
    };
  }
}
