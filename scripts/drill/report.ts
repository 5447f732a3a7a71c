// The drill's tables and its verdict against the targets.
import type { Ledger } from "./audit.ts";
import type { DrillReport, PhaseReport } from "./drill.ts";

/** Recovery target: full service within this long of the dependency's return. */
export const RECOVERY_TARGET_SECONDS = 10;

/** One row per dependency phase: requests, answers by status, lies, and recovery time. */
export function phaseTable(phase: PhaseReport): string {
  const byStatus = new Map<string, number>();
  for (const outcome of phase.outcomes)
    byStatus.set(String(outcome.status), (byStatus.get(String(outcome.status)) ?? 0) + 1);
  const statuses = [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}×${n}`);
  const lies = phase.outcomes.filter((o) => o.lie);
  const lines = [
    `${phase.dependency}: ${phase.what}`,
    `  requests       ${phase.outcomes.length}`,
    `  answers        ${statuses.join("  ")}`,
    `  lied           ${lies.length}`,
    `  recovered in   ${phase.recoverySeconds.toFixed(1)} s`,
  ];
  const reasons = new Map<string, number>();
  for (const lie of lies) reasons.set(`${lie.kind}: ${lie.lie}`, (reasons.get(`${lie.kind}: ${lie.lie}`) ?? 0) + 1);
  for (const [reason, n] of reasons) lines.push(`    ${n}× ${reason}`);
  return lines.join("\n");
}

export function ledgerTable(ledger: Ledger): string {
  const checked = Object.entries(ledger.checked).map(([kind, n]) => `${kind} ${n}`);
  const lost = ledger.problems.filter((p) => p.problem === "lost").length;
  const doubled = ledger.problems.filter((p) => p.problem === "doubled").length;
  const refused = ledger.problems.filter((p) => p.problem === "done though refused").length;
  return [
    "writes",
    `  checked        ${checked.join("  ")}`,
    `  lost           ${lost}`,
    `  doubled        ${doubled}`,
    `  done though refused  ${refused}`,
    ...ledger.problems.slice(0, 20).map((p) => `    ${p.kind} ${p.key}: ${p.problem}`),
  ].join("\n");
}

/** Every target the drill missed, in words; empty when it met them all. */
export function missedTargets(report: DrillReport): string[] {
  const missed: string[] = [];
  for (const phase of report.phases) {
    const lies = phase.outcomes.filter((o) => o.lie).length;
    if (lies > 0) missed.push(`${phase.dependency} (${phase.what}): ${lies} answers lied`);
    if (phase.recoverySeconds > RECOVERY_TARGET_SECONDS)
      missed.push(`${phase.dependency} (${phase.what}): recovered in ${phase.recoverySeconds.toFixed(1)} s`);
  }
  for (const problem of report.ledger.problems) missed.push(`${problem.kind} ${problem.key}: ${problem.problem}`);
  return missed;
}
