import { z } from "zod";

/** Reusable field schemas with messages a person can act on. */

export const port = (fallback: number) =>
  z.coerce
    .number({ error: "expected a TCP port number" })
    .int({ error: "expected a whole number" })
    .min(1, { error: "expected a port between 1 and 65535" })
    .max(65535, { error: "expected a port between 1 and 65535" })
    .default(fallback);

export const httpUrl = (fallback?: string) => {
  const schema = z
    .string()
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), {
      error: "expected an http:// or https:// URL",
    })
    .transform((value) => value.replace(/\/+$/, ""));
  return fallback === undefined ? schema : schema.default(fallback);
};

export const postgresUrl = (fallback: string) =>
  z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
      error: "expected a postgres://user:password@host:port/database URL",
    })
    .default(fallback);

/** host:port, as Temporal's gRPC address is written. */
export const hostPort = (fallback: string) =>
  z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, { error: "expected host:port, for example 127.0.0.1:7233" })
    .default(fallback);

export const positiveInt = (fallback: number, max = 1_000_000) =>
  z.coerce
    .number({ error: "expected a number" })
    .int({ error: "expected a whole number" })
    .min(1, { error: "expected at least 1" })
    .max(max, { error: `expected at most ${max}` })
    .default(fallback);

/** A secret with no default: a deployment must set it (the launcher generates one for local runs). */
export const secret = (minLength = 16) =>
  z.string({ error: "must be set (a random string; `openssl rand -base64 32` makes one)" }).min(minLength, {
    error: `expected at least ${minLength} characters`,
  });

/** A comma-separated list of secrets (Strapi's APP_KEYS). */
export const secretList = () =>
  z
    .string({ error: "must be set (comma-separated random strings)" })
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.length > 0 && keys.every((key) => key.length >= 16), {
      error: "expected one or more comma-separated keys of at least 16 characters",
    });

export const nodeEnv = () =>
  z
    .enum(["development", "production", "test"], { error: "expected development, production or test" })
    .default("development");

export const logLevel = () =>
  z.enum(["debug", "info", "warn", "error"], { error: "expected debug, info, warn or error" }).default("info");
