import type { Knex } from "knex";

/** Node's socket errors when PostgreSQL is gone or unreachable. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
/** PostgreSQL's "shutting down", "starting up" and "cannot connect now"; 08xxx (connection exceptions) by prefix. */
const SERVER_CODES = new Set(["57P01", "57P02", "57P03"]);
/** pg's own words when the server hangs up on an open connection (it sets no code for these). */
const HUNG_UP = /Connection terminated|connection timeout|Client has encountered a connection error/i;

/** How long a probe may take before the database counts as not answering. */
const PROBE_TIMEOUT_MS = 2000;

/** Whether `error` (or an error it wraps) says the database could not be reached, rather than that a query was wrong. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const { code, name, message, cause } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
    return true;
  // The pool gave up waiting for a connection: every attempt to open one failed or hung.
  if (name === "KnexTimeoutError") return true;
  if (typeof message === "string" && HUNG_UP.test(message)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailure(inner, depth + 1)))
    return true;
  return isConnectionFailure(cause, depth + 1);
}

/**
 * The probe in flight, shared by every request that asks meanwhile, so a burst of failures during an outage costs
 * one probe. No verdict outlives its probe: a remembered "up" would hide an outage that began a moment later, a
 * remembered "down" would refuse requests after the database is back.
 */
let probing: Promise<boolean> | undefined;

/**
 * Whether the database answers a `select 1` through the CMS's own pool within two seconds. Asked only after a
 * request failed in a way a database outage could explain (Strapi's auth strategies turn a failed lookup into
 * "Missing or invalid credentials"), so a healthy CMS pays for it only on refused or failed requests.
 */
export function databaseAnswers(db: Knex): Promise<boolean> {
  probing ??= probe(db).finally(() => {
    probing = undefined;
  });
  return probing;
}

async function probe(db: Knex): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  const query = db
    .raw("select 1")
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
