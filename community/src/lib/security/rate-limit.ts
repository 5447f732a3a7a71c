export type Verdict = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export type BucketOptions = {
  /** Most requests in a burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
  /** Keys tracked at most; the least recently used are dropped past this (a flood of new IPs cannot grow memory). */
  maxKeys?: number;
  now?: () => number;
};

type Bucket = { tokens: number; at: number };

/** In-process token buckets, one per key (an IP, a member, an account name). */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #options: Required<BucketOptions>;

  constructor(options: BucketOptions) {
    this.#options = { maxKeys: 50_000, now: () => Date.now(), ...options };
  }

  /** Takes one token from `key`'s bucket; when empty, says how many whole seconds until one is back. */
  take(key: string): Verdict {
    const { capacity, refillPerSecond, maxKeys, now } = this.#options;
    const at = now();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((at - bucket.at) / 1000) * refillPerSecond);
    bucket.at = at;
    // Re-inserting keeps the map in least-recently-used order.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** Takes from every bucket; the first that refuses decides (all are charged, so hammering one key costs anyway). */
export function takeAll(checks: readonly [TokenBuckets, string][]): Verdict {
  let verdict: Verdict = { ok: true, remaining: Number.POSITIVE_INFINITY };
  for (const [buckets, key] of checks) {
    const result = buckets.take(key);
    if (!result.ok && (verdict.ok || result.retryAfterSeconds > verdict.retryAfterSeconds)) verdict = result;
    else if (result.ok && verdict.ok) verdict = { ok: true, remaining: Math.min(verdict.remaining, result.remaining) };
  }
  return verdict;
}
