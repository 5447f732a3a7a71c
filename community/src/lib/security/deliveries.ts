import { type Store, storeQuery } from "../store/pool.ts";

/**
 * Signed webhook deliveries already acted on, kept in the shared store so a captured one cannot be replayed to any
 * replica while its signature is still valid. A delivery is known by its id (x-inkstone-delivery) and by its
 * signature: the id is not signed, so a replay under a fresh id still carries the signature it was captured with.
 * Each is kept until its timestamp falls out of the signature window (it could not verify after that anyway).
 */
export type DeliveryOptions = {
  store: () => Store;
  windowMs: number;
  /** How long a claim holds while its delivery is handled; a replica that dies meanwhile does not hold it forever. */
  claimMs?: number;
  now?: () => number;
};

export class Deliveries {
  readonly #store: () => Store;
  readonly #windowMs: number;
  readonly #claimMs: number;
  readonly #now: () => number;

  constructor({ store, windowMs, claimMs = 60_000, now = () => Date.now() }: DeliveryOptions) {
    this.#store = store;
    this.#windowMs = windowMs;
    this.#claimMs = claimMs;
    this.#now = now;
  }

  static keys(delivery: string, signature: string): string[] {
    return [`delivery:${delivery}`, `signature:${signature}`];
  }

  /**
   * Claims a delivery for handling; false when it was accepted before or is being handled now (by any replica).
   * All of its keys are claimed or none: one statement inserts them only when none is held.
   */
  async claim(keys: readonly string[]): Promise<boolean> {
    const now = this.#now();
    await storeQuery(this.#store(), "DELETE FROM webhook_deliveries WHERE key = ANY($1::text[]) AND until_ms <= $2", [
      keys,
      now,
    ]);
    const { rows } = await storeQuery<{ key: string }>(
      this.#store(),
      `INSERT INTO webhook_deliveries (key, accepted, until_ms)
       SELECT k, false, $2 FROM unnest($1::text[]) AS k
       WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.key = ANY($1::text[]))
       ON CONFLICT (key) DO NOTHING
       RETURNING key`,
      [keys, now + this.#claimMs],
    );
    if (rows.length === keys.length) return true;
    // Another replica claimed one of the keys at the same moment: give back what this one took.
    await this.release(rows.map((row) => row.key));
    return false;
  }

  /** The claimed delivery was acted on: refuse it until a delivery signed at `timestamp` could no longer verify. */
  async accept(keys: readonly string[], timestamp: number): Promise<void> {
    const until = Math.max(timestamp, this.#now()) + this.#windowMs;
    await storeQuery(
      this.#store(),
      "UPDATE webhook_deliveries SET accepted = true, until_ms = $2 WHERE key = ANY($1::text[])",
      [keys, until],
    );
  }

  /** Handling failed: the sender may retry the same delivery. */
  async release(keys: readonly string[]): Promise<void> {
    await storeQuery(this.#store(), "DELETE FROM webhook_deliveries WHERE key = ANY($1::text[]) AND NOT accepted", [
      keys,
    ]);
  }

  /** Forgets deliveries whose signatures can no longer verify; returns how many. */
  async sweep(): Promise<number> {
    const { rowCount } = await storeQuery(this.#store(), "DELETE FROM webhook_deliveries WHERE until_ms <= $1", [
      this.#now(),
    ]);
    return rowCount ?? 0;
  }
}
