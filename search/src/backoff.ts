export type BackoffOptions = {
  /** Delay after the first failure. */
  baseMs: number;
  /** Ceiling, so a long outage is still probed regularly. */
  maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with jitter for the `failures`-th consecutive failure (1, 2, …): half the exponential
 * delay plus a random share of the other half, so drainers that failed together do not retry together.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
