/** Okapi BM25 over short documents (sentences), with the usual k1 = 1.2 and b = 0.75. */
export type Bm25 = {
  idf(term: string): number;
  /** How well document `index` answers the query terms (each counted once, weighted by `weights` if given). */
  score(index: number, query: Iterable<string>, weights?: ReadonlyMap<string, number>): number;
  /** In how many documents `term` occurs. */
  df(term: string): number;
  readonly size: number;
};

export function bm25(documents: readonly (readonly string[])[]): Bm25 {
  const k1 = 1.2;
  const b = 0.75;
  const frequencies = documents.map((terms) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return counts;
  });
  const df = new Map<string, number>();
  for (const counts of frequencies) for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = documents.length;
  const average = documents.reduce((sum, terms) => sum + terms.length, 0) / Math.max(1, n);
  const idf = (term: string) => {
    const d = df.get(term) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };
  return {
    size: n,
    idf,
    df: (term) => df.get(term) ?? 0,
    score(index, query, weights) {
      const counts = frequencies[index];
      const length = documents[index]?.length ?? 0;
      if (!counts) return 0;
      let total = 0;
      for (const term of new Set(query)) {
        const f = counts.get(term);
        if (!f) continue;
        const weight = weights?.get(term) ?? 1;
        total += weight * idf(term) * ((f * (k1 + 1)) / (f + k1 * (1 - b + (b * length) / Math.max(1, average))));
      }
      return total;
    },
  };
}
