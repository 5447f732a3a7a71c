/** Latency statistics shared by the benchmarks. */

/** The `p`-th percentile (0–100) of `samples`, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export type Summary = { p50: number; p95: number; p99: number; mean: number };

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), mean };
}

/** Times `run` `count` times one after another (after `warmup` untimed runs); returns the milliseconds. */
export async function timeSequential(run: () => Promise<unknown>, count: number, warmup = 20): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}

export const ms = (value: number) => `${value.toFixed(2).padStart(7)} ms`;
