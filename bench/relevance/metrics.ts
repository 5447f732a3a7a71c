/** Ranking quality of one answer against the articles that should be in it. */

/** Share of `expected` among the first `k` of `ranked` (1 when nothing is expected). */
export function recallAt(k: number, ranked: readonly string[], expected: readonly string[]): number {
  if (expected.length === 0) return 1;
  const top = new Set(ranked.slice(0, k));
  return expected.filter((item) => top.has(item)).length / expected.length;
}

/** 1 / the rank of the first expected item in `ranked`, 0 when none is there. */
export function reciprocalRank(ranked: readonly string[], expected: readonly string[]): number {
  const wanted = new Set(expected);
  const rank = ranked.findIndex((item) => wanted.has(item));
  return rank === -1 ? 0 : 1 / (rank + 1);
}

export const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
