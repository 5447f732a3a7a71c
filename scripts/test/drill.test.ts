// The fault drill (`npm run drill`) as part of the suite: a regression in how any service answers while another is
// down, loses a write, or recovers slowly fails the build. Its own stack: the shared services must stay up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDrill } from "../drill/drill.ts";
import { ledgerTable, missedTargets, phaseTable } from "../drill/report.ts";
import { nginx } from "./community-proxy.ts";
import { buildApps } from "./services.ts";

const OUTAGE_SECONDS = Number(process.env.DRILL_OUTAGE_SECONDS ?? 60);

describe.skipIf(nginx === undefined)("the fault drill", () => {
  it(
    "stops each dependency under load: answers stay honest, no write is lost or doubled, service returns within 10 s",
    async () => {
      await buildApps(["cms", "worker", "community"]);
      const dir = mkdtempSync(join(tmpdir(), "inkstone-drill-"));
      const report = await runDrill({
        dir,
        outageMs: OUTAGE_SECONDS * 1000,
        onPhase: (phase) => console.log(phaseTable(phase)),
      });
      console.log(`${ledgerTable(report.ledger)}\ndrill: ${report.seconds.toFixed(0)} s`);

      expect(missedTargets(report)).toEqual([]);
      // The load really ran through every phase, and the outages were real: the CMS's database going away is seen
      // as 503s by the members writing.
      expect(report.phases.map((phase) => phase.dependency)).toEqual([
        "postgres",
        "postgres",
        "meilisearch",
        "temporal",
        "cms",
        "worker",
        "community",
      ]);
      for (const phase of report.phases) expect(phase.outcomes.length, phase.what).toBeGreaterThan(20);
      const outage = report.phases[1];
      expect(outage?.outcomes.some((o) => o.status === 503)).toBe(true);
      for (const kind of ["comment", "like", "follow", "run", "search"])
        expect(report.ledger.checked[kind], kind).toBeGreaterThan(0);
      rmSync(dir, { recursive: true, force: true });
    },
    20 * 60_000,
  );
});
