// The fault drill: with the light load running, each dependency in turn is stopped or killed and brought back; each
// phase records what the load was answered, and at the end every write that was answered is looked for.
import { Visitor } from "../../community/test/support/visitor.ts";
import { log } from "../stack/log.ts";
import { type Ledger, prepare, verifyWrites } from "./audit.ts";
import { Load, type Outcome } from "./load.ts";
import { type Dependency, type DrillStack, startDrillStack } from "./stack.ts";

export type DrillOptions = {
  /** Folder for the drill's data and logs. */
  dir: string;
  /** How long PostgreSQL, Meilisearch and Temporal stay down. */
  outageMs: number;
  onPhase?: (report: PhaseReport) => void;
};

export type PhaseReport = {
  dependency: Dependency;
  what: string;
  outcomes: Outcome[];
  /** Seconds from the dependency's return until every kind of request was served again. */
  recoverySeconds: number;
};

export type DrillReport = { phases: PhaseReport[]; ledger: Ledger; seconds: number };

/** After this long without a failed answer, the service counts as fully back. */
const SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the whole drill; throws only when the stack cannot be set up. */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const stack = await startDrillStack(options.dir);
  let load: Load | undefined;
  try {
    const target = await prepare(stack);
    load = new Load(target);
    load.start();
    await sleep(5000);
    const phases: PhaseReport[] = [];
    const phase = async (dependency: Dependency, what: string, disrupt: () => Promise<number>) => {
      const from = Date.now();
      const returnedAt = await disrupt();
      const recoveredAt = await fullService(stack, load as Load, returnedAt);
      const report: PhaseReport = {
        dependency,
        what,
        outcomes: (load as Load).between(from, Date.now()),
        recoverySeconds: (recoveredAt - returnedAt) / 1000,
      };
      phases.push(report);
      options.onPhase?.(report);
    };
    const { deps } = stack;
    const outage =
      (dependency: Dependency, ms: number, how: "stop" | "kill" = "stop") =>
      async () => {
        await deps[dependency][how]();
        await sleep(ms);
        await deps[dependency].start();
        return Date.now();
      };

    await phase("postgres", "fast restart", outage("postgres", 0));
    await phase("postgres", `${options.outageMs / 1000} s outage`, outage("postgres", options.outageMs));
    await phase("meilisearch", `${options.outageMs / 1000} s outage`, async () => {
      await deps.meilisearch.stop();
      await sleep(2000);
      // Published while search is away: the outbox must bring it to the index once search is back.
      await target.publish("Tidal lagoons while search sleeps");
      await sleep(options.outageMs - 2000);
      await deps.meilisearch.start();
      return Date.now();
    });
    await phase("temporal", `${options.outageMs / 1000} s outage`, async () => {
      // Accepted before the outage: it must wait and finish once Temporal is back.
      await load?.launchRun();
      await deps.temporal.stop();
      await sleep(2000);
      // Submitted during the outage: refused with 503, never accepted and lost.
      await load?.launchRun();
      await sleep(options.outageMs - 2000);
      await deps.temporal.start();
      return Date.now();
    });
    await phase("cms", "kill -9, restart", outage("cms", 0, "kill"));
    await phase("worker", "kill -9 mid-run, restart", async () => {
      const before = stack.slowSourceReads();
      await load?.launchRun(`${stack.sourcesUrl}/slow-tides`);
      // Killed while the run reads its slow source: the activity is lost mid-flight and must be retried.
      const deadline = Date.now() + 60_000;
      while (stack.slowSourceReads() === before && Date.now() < deadline) await sleep(200);
      await deps.worker.kill();
      await sleep(3000);
      await deps.worker.start();
      return Date.now();
    });
    await phase("community", "one of two replicas: kill -9, restart", outage("community", 10_000, "kill"));

    await load.stop();
    const ledger = await verifyWrites(stack, target, load.writes);
    return { phases, ledger, seconds: (Date.now() - started) / 1000 };
  } finally {
    await load?.stop();
    await stack.stop();
  }
}

/**
 * Waits until the community serves everything again after `since`: its health check is green, a member's page that
 * needs the CMS is served, search answers, and no request of the load has failed for SETTLE_MS. Returns the time
 * of the last failure seen (or `since` when there was none).
 */
async function fullService(stack: DrillStack, load: Load, since: number): Promise<number> {
  const probe = new Visitor(stack.communityUrl);
  const deadline = since + 120_000;
  let lastFailure = since;
  for (;;) {
    const now = Date.now();
    const failures = load
      .between(since, now)
      .filter((o) => o.status === 503 || o.status === "error" || (typeof o.status === "number" && o.status >= 500));
    const health = await probe.get("/health").then(
      (reply) => reply.status,
      () => 0,
    );
    if (health !== 200) lastFailure = Date.now();
    const last = failures.at(-1);
    if (last && last.at > lastFailure) lastFailure = last.at;
    if (Date.now() - lastFailure >= SETTLE_MS && health === 200) return lastFailure;
    if (Date.now() > deadline) {
      log.warn("the drill's stack did not come back within 120 s");
      return lastFailure;
    }
    await sleep(250);
  }
}
