/**
 * Signed webhook deliveries already acted on, so a captured one cannot be replayed while its signature is still
 * valid. A delivery is known by its id (x-inkstone-delivery) and by its signature: the id is not signed, so a replay
 * under a fresh id still carries the signature it was captured with. Each is kept until its timestamp falls out of
 * the signature window (it could not verify after that anyway), and at most `maxEntries` are kept.
 */
export type DeliveryOptions = { windowMs: number; maxEntries?: number; now?: () => number };

export class Deliveries {
  /** Key → the time after which it can be forgotten; in insertion order, which is close to expiry order. */
  readonly #seen = new Map<string, number>();
  /** Keys being handled right now: a second copy arriving meanwhile is a replay too. */
  readonly #pending = new Set<string>();
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor({ windowMs, maxEntries = 50_000, now = () => Date.now() }: DeliveryOptions) {
    this.#windowMs = windowMs;
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  static keys(delivery: string, signature: string): string[] {
    return [`delivery:${delivery}`, `signature:${signature}`];
  }

  /** Claims a delivery for handling; false when it was accepted before or is being handled now. */
  claim(keys: readonly string[]): boolean {
    this.#prune();
    if (keys.some((key) => this.#seen.has(key) || this.#pending.has(key))) return false;
    for (const key of keys) this.#pending.add(key);
    return true;
  }

  /** The claimed delivery was acted on: refuse it until a delivery signed at `timestamp` could no longer verify. */
  accept(keys: readonly string[], timestamp: number): void {
    const until = Math.max(timestamp, this.#now()) + this.#windowMs;
    for (const key of keys) {
      this.#pending.delete(key);
      this.#seen.set(key, until);
    }
    // Full: the oldest go first. Only signed deliveries get here, so only the CMS's own volume can fill it.
    while (this.#seen.size > this.#maxEntries) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
  }

  /** Handling failed: the sender may retry the same delivery. */
  release(keys: readonly string[]): void {
    for (const key of keys) this.#pending.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(): void {
    const now = this.#now();
    for (const [key, until] of this.#seen) {
      if (until > now) break;
      this.#seen.delete(key);
    }
  }
}
