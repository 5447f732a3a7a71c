import pg from "pg";
import { env } from "../env.ts";
import { logger } from "../log.ts";

/**
 * The store every community replica shares: a PostgreSQL database of the community's own (COMMUNITY_DATABASE_URL),
 * never the CMS's. It holds what must be one across replicas (rate-limit buckets, webhook deliveries) and carries
 * the channel that tells every replica what to drop (./bus.ts). Kept small: a handful of connections per replica, and
 * quick timeouts, because members' actions wait on it.
 */

/** A store that cannot be reached: the action is refused with 503, never let through unlimited. */
export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rate_buckets (
  key text PRIMARY KEY,
  capacity double precision NOT NULL,
  refill double precision NOT NULL,
  tokens double precision NOT NULL,
  taken boolean NOT NULL,
  at_ms bigint NOT NULL,
  full_at_ms bigint NOT NULL
);
-- A bucket's tokens at now_ms: what it had, plus the refill since, up to its capacity.
CREATE OR REPLACE FUNCTION rate_refilled(tokens float8, since_ms bigint, now_ms bigint, capacity float8, refill float8)
  RETURNS float8 LANGUAGE sql IMMUTABLE
  AS 'SELECT least(capacity, tokens + greatest(0, now_ms - since_ms) / 1000.0 * refill)';
-- What is left after a request: one token fewer when there was one to take.
CREATE OR REPLACE FUNCTION rate_left(refilled float8) RETURNS float8 LANGUAGE sql IMMUTABLE
  AS 'SELECT CASE WHEN refilled >= 1 THEN refilled - 1 ELSE refilled END';
CREATE INDEX IF NOT EXISTS rate_buckets_full_at ON rate_buckets (full_at_ms);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  key text PRIMARY KEY,
  accepted boolean NOT NULL,
  until_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_until ON webhook_deliveries (until_ms);
-- Numbers every announcement on the change channel, so a request can say which changes it must see (src/lib/store/bus.ts).
CREATE SEQUENCE IF NOT EXISTS community_changes;
-- What the worker pushed of answers being written, for the replica holding the member's stream (src/lib/store/answers.ts).
CREATE TABLE IF NOT EXISTS answer_events (
  answer_id text NOT NULL,
  attempt int NOT NULL,
  seq int NOT NULL,
  body jsonb NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (answer_id, attempt, seq)
);
`;
/** Any fixed number: replicas starting together create the tables one at a time. */
const SCHEMA_LOCK = 7_431_001;

export type Store = { pool: pg.Pool; ready: Promise<void> };

/** A store on `url`: a pool plus the schema, created once (idempotent, under an advisory lock). */
export function openStore(url: string): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: 5,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 2000,
  });
  // An idle client losing its connection (the server restarted) must not crash the process; the pool replaces it.
  pool.on("error", (error) => logger().warn({ err: error }, "community store: an idle connection failed"));
  const ready = (async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  })();
  return { pool, ready };
}

let shared: Store | undefined;

/** The replica's store, opened on first use. */
export function store(): Store {
  if (!shared) {
    shared = openStore(env().COMMUNITY_DATABASE_URL);
    // Retried on the next use when it failed (the store was down at the first request).
    shared.ready.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/** Runs one statement on `target` once its schema exists; any failure to reach it is a StoreUnavailable. */
export async function storeQuery<R extends pg.QueryResultRow>(
  target: Store,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  try {
    await target.ready;
    return await target.pool.query<R>(text, values);
  } catch (error) {
    if (isQueryBug(error)) throw error;
    throw new StoreUnavailable(`the community store did not answer: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A statement the server read and refused (a bug of ours, said as such), as opposed to a server that is not there,
 * shutting down or out of connections (SQLSTATE classes 08, 57 and 53), or a timeout.
 */
function isQueryBug(error: unknown): boolean {
  const code = (error as { code?: unknown; severity?: unknown }).code;
  const fromServer = typeof (error as { severity?: unknown }).severity === "string";
  return fromServer && typeof code === "string" && !/^(08|57|53)/.test(code);
}
