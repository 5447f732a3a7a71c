import { ms, percentile } from "../stats.ts";
import type { LoadResult } from "./load.ts";

/** The middle value (the upper one of an even count), NaN for none. */
export const middle = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const p95 = (run: LoadResult): number => percentile(run.latencies, 95);

/** The round with the median throughput. */
export const medianRun = (runs: readonly LoadResult[]): LoadResult =>
  [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)] as LoadResult;

/** `numerator[i] / denominator[i]` for each round, then the median: both ran back to back under the same outside load. */
export const ratioWithinRounds = (
  numerator: readonly LoadResult[],
  denominator: readonly LoadResult[],
  measure: (run: LoadResult) => number = (run) => run.rps,
): number => middle(numerator.map((run, i) => measure(run) / measure(denominator[i] as LoadResult)));

export const errorsIn = (runs: readonly LoadResult[]): number => runs.reduce((sum, run) => sum + run.errors, 0);

/** Outcomes (statuses, timeouts, socket errors) added up over runs, most frequent first, as "200 ×9120, 303 ×4". */
export function outcomesOf(runs: readonly LoadResult[]): string {
  const total: Record<string, number> = {};
  for (const run of runs)
    for (const [outcome, count] of Object.entries(run.outcomes)) total[outcome] = (total[outcome] ?? 0) + count;
  return Object.entries(total)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, count]) => `${outcome} ×${count}`)
    .join(", ");
}

/**
 * The run's answered requests grouped by one part of their "/"-separated kind ("signed-in/search": part 0 is the
 * visitor, part 1 the page), as "signed-in 406 answered, P95 230.40 ms; …".
 */
export function latencyByKindPart(run: LoadResult, part: number): string {
  const groups: Record<string, number[]> = {};
  for (const [kind, samples] of Object.entries(run.byKind)) {
    const name = kind.split("/")[part] ?? kind;
    groups[name] = [...(groups[name] ?? []), ...samples];
  }
  return Object.entries(groups)
    .map(([name, samples]) => `${name} ${samples.length} answered, P95 ${ms(percentile(samples, 95)).trim()}`)
    .join("; ");
}

export type Target = { name: string; value: string; goal: string; met: boolean };

export const ratio = (name: string, value: number, atLeast: number, digits = 2): Target => ({
  name,
  value: `${value.toFixed(digits)}×`,
  goal: `≥ ${atLeast}×`,
  met: value >= atLeast,
});

export const withinFactor = (name: string, value: number, factor: number): Target => ({
  name,
  value: `${value.toFixed(2)}×`,
  goal: `within ${factor}×`,
  met: value <= factor,
});

export const latencyUnder = (name: string, value: number, limitMs: number): Target => ({
  name,
  value: ms(value).trim(),
  goal: `< ${limitMs} ms`,
  met: value < limitMs,
});

export const noErrors = (name: string, errors: number): Target => ({
  name,
  value: String(errors),
  goal: "0",
  met: errors === 0,
});

export function printTargets(targets: readonly Target[]): void {
  const nameWidth = Math.max(...targets.map((target) => target.name.length));
  const valueWidth = Math.max(...targets.map((target) => target.value.length));
  console.log("\nTargets:");
  for (const target of targets)
    console.log(
      `  ${target.name.padEnd(nameWidth)}  ${target.value.padStart(valueWidth)}  (target ${target.goal}: ${target.met ? "met" : "NOT met"})`,
    );
}
