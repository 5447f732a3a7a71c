/** Latency statistics shared by the benchmarks. */
export function percentile(sortedMs: number[], p: number): number {
  if (!sortedMs.length) return Number.NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)] ?? Number.NaN;
}

/** Times `run` `count` times one after another (after `warmup` untimed runs); returns sorted milliseconds. */
export async function timeSequential(run: () => Promise<unknown>, count: number, warmup = 20): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
