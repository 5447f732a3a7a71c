/**
 * A small per-replica memory of something about one member (their session, their personal state), for `ttlMs` at
 * most, droppable by key or by member. Nothing here is shared between members: a value is found only by its own key.
 * Used only while the replica hears the other replicas (src/lib/store/replica.ts); otherwise callers ask afresh.
 */
export class MemberCache<V> {
  readonly #entries = new Map<string, { value: V; userId: string; storedAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #epoch = 0;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? (() => Date.now());
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now() - entry.storedAt > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Bumped by every delete. A caller that read a value from its source notes the epoch first and passes it to `set`:
   * a delete that happened during the read (a sign-out, an action) then keeps the read from storing what it undid.
   */
  get epoch(): number {
    return this.#epoch;
  }

  /** Keeps `value` for `key` (belonging to `userId`), unless something was deleted since `epoch`. */
  set(key: string, userId: string, value: V, epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, userId, storedAt: this.#now() });
    // Oldest stored first out.
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#epoch++;
    this.#entries.delete(key);
  }

  /** Drops everything kept for `userId`. */
  deleteMember(userId: string): void {
    this.#epoch++;
    for (const [key, entry] of this.#entries) if (entry.userId === userId) this.#entries.delete(key);
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
