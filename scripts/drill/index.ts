// npm run drill: the fault drill against a stack of its own (see README, "Fault drill").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDrill } from "./drill.ts";
import { ledgerTable, missedTargets, phaseTable } from "./report.ts";

const outageSeconds = Number(process.env.DRILL_OUTAGE_SECONDS ?? 60);
if (!Number.isInteger(outageSeconds) || outageSeconds < 5 || outageSeconds > 600) {
  console.error("DRILL_OUTAGE_SECONDS must be a whole number of seconds from 5 to 600.");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "inkstone-drill-"));
console.log(`Fault drill: ${outageSeconds} s outages; data and logs in ${dir}`);
try {
  const report = await runDrill({
    dir,
    outageMs: outageSeconds * 1000,
    onPhase: (phase) => console.log(`\n${phaseTable(phase)}`),
  });
  console.log(`\n${ledgerTable(report.ledger)}\n`);
  const missed = missedTargets(report);
  console.log(`Drill finished in ${report.seconds.toFixed(0)} s.`);
  if (missed.length > 0) {
    console.log(`Targets missed (logs kept in ${dir}):\n${missed.map((m) => `  - ${m}`).join("\n")}`);
    process.exit(1);
  }
  console.log("Every target met.");
  rmSync(dir, { recursive: true, force: true });
} catch (error) {
  console.error(`The drill could not run: ${(error as Error).stack ?? error}\nLogs: ${dir}`);
  process.exit(1);
}
