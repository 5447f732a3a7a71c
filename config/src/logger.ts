import { Writable } from "node:stream";
import pino from "pino";
import pretty from "pino-pretty";
import { maskSecrets } from "./mask.ts";

export type Logger = pino.Logger;
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Header that carries one request's id from the community to the CMS (and into the worker's run log). */
export const REQUEST_ID_HEADER = "x-request-id";

/** A request id we accept from another service: short, printable, no separators a log parser could trip on. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

type LoggerOptions = {
  level?: LogLevel;
  nodeEnv?: "development" | "production" | "test";
  /** Where lines go; stdout by default. Development output is made readable, production output stays JSON. */
  destination?: NodeJS.WritableStream;
};

/**
 * One structured logger per service: JSON lines in production (for a log shipper), readable lines otherwise.
 * The pretty printer runs synchronously in-process (no worker thread), so it survives bundling by Astro and Strapi.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const base = { service };
  const destination = masking(options.destination ?? process.stdout);
  if (options.nodeEnv === "production") {
    return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  }
  const stream = pretty({
    sync: true,
    destination,
    colorize: false,
    ignore: "pid,hostname,service",
    messageFormat: `[${service}] {msg}`,
    translateTime: "HH:MM:ss.l",
  });
  return pino({ level, base }, stream);
}

/**
 * Every line on its way out with passwords and secret values masked: a log line may quote an error that quotes a
 * connection string, and logs are read by more people than secrets are.
 */
function masking(destination: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      destination.write(maskSecrets(String(chunk)));
      done();
    },
  });
}

/** The error's message for a log line or an answer, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
