import { z } from "zod";

/** Raised when the environment does not satisfy a service's schema; its message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly issues: readonly string[];
  constructor(service: string, issues: readonly string[]) {
    super(
      `Invalid configuration for ${service}:\n${issues.map((line) => `  - ${line}`).join("\n")}\n` +
        "Set these variables in the environment or in .env (see .env.example).",
    );
    this.issues = issues;
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Validates `source` against `shape` (one zod schema per variable) and returns the typed result.
 * Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
 */
export function parseEnv<S extends z.ZodRawShape>(service: string, shape: S, source: EnvSource = process.env) {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "(env)");
      const got = input[name];
      const shown = got === undefined ? "it is not set" : `got ${JSON.stringify(redact(name, got))}`;
      return `${name}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(service, issues);
  }
  return result.data;
}

/** Secrets never appear in error messages, only whether they were set. */
function redact(name: string, value: string): string {
  return /KEY|SECRET|SALT|TOKEN|PASSWORD/.test(name) ? `<${value.length} characters>` : value;
}
