import { type Store, storeQuery } from "./pool.ts";

export type Verdict = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export type Bucket = {
  /** Names the limit: keys of different limits never share a bucket. */
  name: string;
  /** Most requests in a burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
};

/**
 * Token buckets in the shared store, so a limit of 10 is 10 across every replica. One statement takes a token from
 * every bucket a request is charged to, atomically per bucket (a row lock), with the refill computed from each
 * bucket's last use; `taken` records whether that request got one. `full_at_ms` (when the bucket will be full again,
 * so forgetting it changes nothing) lets old rows be swept. Time is the replicas' clocks (kept in step by NTP);
 * a clock behind the last use refills nothing rather than going back.
 */
const TAKE = `
INSERT INTO rate_buckets AS b (key, capacity, refill, tokens, taken, at_ms, full_at_ms)
SELECT k, c, r, c - 1, true, $4::bigint, $4::bigint + ceil(1000 / r)::bigint
FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(k, c, r)
ON CONFLICT (key) DO UPDATE SET
  capacity = EXCLUDED.capacity,
  refill = EXCLUDED.refill,
  taken = rate_refilled(b.tokens, b.at_ms, EXCLUDED.at_ms, EXCLUDED.capacity, EXCLUDED.refill) >= 1,
  tokens = rate_left(rate_refilled(b.tokens, b.at_ms, EXCLUDED.at_ms, EXCLUDED.capacity, EXCLUDED.refill)),
  at_ms = greatest(b.at_ms, EXCLUDED.at_ms),
  full_at_ms = greatest(b.at_ms, EXCLUDED.at_ms) + ceil(1000 * (EXCLUDED.capacity
    - rate_left(rate_refilled(b.tokens, b.at_ms, EXCLUDED.at_ms, EXCLUDED.capacity, EXCLUDED.refill))) / EXCLUDED.refill)::bigint
RETURNING key, tokens, taken`;

export class RateLimiter {
  readonly #store: () => Store;
  readonly #now: () => number;

  constructor(store: () => Store, now: () => number = () => Date.now()) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Takes one token from each of `charges` (every one is charged, so hammering one key costs anyway); the bucket
   * that refuses longest decides. Throws StoreUnavailable when the store cannot be reached: a limit that cannot be
   * checked is not waived.
   */
  async take(charges: readonly [Bucket, string][]): Promise<Verdict> {
    if (!charges.length) return { ok: true, remaining: Number.POSITIVE_INFINITY };
    const keys = charges.map(([bucket, key]) => `${bucket.name}:${key}`);
    const { rows } = await storeQuery<{ key: string; tokens: number; taken: boolean }>(this.#store(), TAKE, [
      keys,
      charges.map(([bucket]) => bucket.capacity),
      charges.map(([bucket]) => bucket.refillPerSecond),
      this.#now(),
    ]);
    let verdict: Verdict = { ok: true, remaining: Number.POSITIVE_INFINITY };
    for (const row of rows) {
      const bucket = charges[keys.indexOf(row.key)]?.[0];
      if (!bucket) continue;
      if (!row.taken) {
        const wait = Math.max(1, Math.ceil((1 - row.tokens) / bucket.refillPerSecond));
        if (verdict.ok || wait > verdict.retryAfterSeconds) verdict = { ok: false, retryAfterSeconds: wait };
      } else if (verdict.ok) verdict = { ok: true, remaining: Math.min(verdict.remaining, Math.floor(row.tokens)) };
    }
    return verdict;
  }

  /** Forgets buckets that are full again (as good as never used); returns how many. */
  async sweep(): Promise<number> {
    const { rowCount } = await storeQuery(this.#store(), "DELETE FROM rate_buckets WHERE full_at_ms < $1", [
      this.#now(),
    ]);
    return rowCount ?? 0;
  }
}
