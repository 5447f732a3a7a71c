export type SwrOptions<V> = {
  /** How long an entry is served without asking anyone. */
  freshMs: number;
  /** How long past that it may still be served while a refresh runs, or while the source is down. */
  staleMs: number;
  /** After a failed refresh, how long before the next attempt (a down CMS is not asked once per request). */
  retryMs?: number;
  maxEntries?: number;
  /** A bound on the sum of `weigh(value)` over all entries (bytes, for pages); unbounded without `weigh`. */
  maxWeight?: number;
  weigh?: (value: V) => number;
  now?: () => number;
};

export type Entry<V> = {
  value: V;
  tags: readonly string[];
  storedAt: number;
  /** Dropped by an invalidation: the next request loads afresh, and falls back to this only if that fails. */
  invalidated: boolean;
  /** When the last refresh of this entry failed (a down source is not asked again before `retryMs`). */
  failedAt?: number;
};

export type Lookup<V> = { entry: Entry<V>; state: "fresh" | "stale" | "invalidated" } | undefined;

/** What a load produced: a value to keep (with the tags that invalidate it), or nothing worth caching. */
export type Loaded<V> = { value: V; tags: readonly string[] } | undefined;

/**
 * A stale-while-revalidate cache: entries are fresh for `freshMs`, then served stale for up to `staleMs` more while
 * one refresh per key runs in the background. A failed refresh keeps the stale entry, so readers keep getting pages
 * while the source is down. Bounded by `maxEntries` and, when values are weighed, by `maxWeight`: least recently
 * stored first out.
 */
export class SwrCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inflight = new Map<string, Promise<Entry<V> | undefined>>();
  readonly #options: Required<Omit<SwrOptions<V>, "weigh">> & Pick<SwrOptions<V>, "weigh">;
  /** The entries' weights, kept so an eviction or a replacement subtracts exactly what was added. */
  readonly #weights = new Map<string, number>();
  #weight = 0;
  /** Bumped by every invalidation, so a load that overlapped one knows its result may predate the change. */
  #epoch = 0;

  constructor(options: SwrOptions<V>) {
    this.#options = {
      retryMs: 5000,
      maxEntries: 5000,
      maxWeight: Number.POSITIVE_INFINITY,
      now: () => Date.now(),
      ...options,
    };
  }

  /** The entry for `key` and how usable it is; entries past the stale window are gone. */
  lookup(key: string): Lookup<V> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = this.#options.now() - entry.storedAt;
    if (age > this.#options.freshMs + this.#options.staleMs) {
      this.#remove(key);
      return undefined;
    }
    if (entry.invalidated) return { entry, state: "invalidated" };
    return { entry, state: age <= this.#options.freshMs ? "fresh" : "stale" };
  }

  /** The load of `key` under way, if any: readers of a missing key wait for it instead of loading again. */
  inflight(key: string): Promise<Entry<V> | undefined> | undefined {
    return this.#inflight.get(key);
  }

  /** Whether a background refresh should start now: none is running and the last one did not just fail. */
  shouldRefresh(key: string): boolean {
    if (this.#inflight.has(key)) return false;
    const failed = this.#entries.get(key)?.failedAt;
    return failed === undefined || this.#options.now() - failed >= this.#options.retryMs;
  }

  /**
   * Runs `load` for `key` (one at a time per key: a second caller gets the first one's promise) and stores what it
   * returns. A throw or `undefined` keeps whatever was cached before and resolves to undefined; it never rejects.
   */
  refresh(key: string, load: () => Promise<Loaded<V>>): Promise<Entry<V> | undefined> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const startedAt = this.#options.now();
    const epoch = this.#epoch;
    const promise = (async () => {
      try {
        const loaded = await load();
        if (!loaded) {
          this.#markFailed(key);
          return undefined;
        }
        // Aged from when the load began; an invalidation during the load leaves it usable only as a fallback.
        const entry: Entry<V> = { ...loaded, storedAt: startedAt, invalidated: epoch !== this.#epoch };
        this.#store(key, entry);
        return entry;
      } catch {
        // The loader reports its own failures (src/middleware/cache.ts logs them); here a failure only means the
        // entry stays as it was and the next refresh waits `retryMs`.
        this.#markFailed(key);
        return undefined;
      } finally {
        this.#inflight.delete(key);
      }
    })();
    this.#inflight.set(key, promise);
    return promise;
  }

  #markFailed(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) entry.failedAt = this.#options.now();
  }

  #store(key: string, entry: Entry<V>): void {
    this.#remove(key);
    this.#entries.set(key, entry);
    const weight = this.#options.weigh?.(entry.value) ?? 0;
    this.#weights.set(key, weight);
    this.#weight += weight;
    while (this.#entries.size > this.#options.maxEntries || this.#weight > this.#options.maxWeight) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
  }

  #remove(key: string): void {
    this.#entries.delete(key);
    this.#weight -= this.#weights.get(key) ?? 0;
    this.#weights.delete(key);
  }

  /** Marks every entry carrying any of `tags` as invalidated; returns how many. */
  invalidate(tags: readonly string[]): number {
    this.#epoch++;
    const wanted = new Set(tags);
    let count = 0;
    for (const entry of this.#entries.values()) {
      if (!entry.tags.some((tag) => wanted.has(tag))) continue;
      entry.invalidated = true;
      entry.failedAt = undefined;
      count++;
    }
    return count;
  }

  /** Marks every entry invalidated (kept only as a fallback while the next load runs); returns how many. */
  invalidateAll(): number {
    this.#epoch++;
    for (const entry of this.#entries.values()) {
      entry.invalidated = true;
      entry.failedAt = undefined;
    }
    return this.#entries.size;
  }

  /** Forgets `key` (the page it held is gone for good). */
  delete(key: string): void {
    this.#remove(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The sum of the entries' weights (0 when values are not weighed). */
  get weight(): number {
    return this.#weight;
  }
}
