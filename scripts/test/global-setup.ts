// Vitest global setup: real PostgreSQL, Meilisearch, Temporal and mail catcher, started once per run on free ports
// with the launcher's own code, in a temporary folder removed afterwards. Test files get isolation from ./services.ts.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { APPS } from "../stack/apps.ts";
import { freeInfraPorts, startInfra } from "../stack/infra.ts";
import { ephemeralSecrets } from "../stack/secrets.ts";
import { buildStale } from "../stack/stack.ts";

export type TestInfra = {
  databaseUrl: string;
  meiliUrl: string;
  meiliMasterKey: string;
  temporalAddress: string;
  /** The mail catcher (MailDev): what the CMS sends through, and where ./mailbox.ts reads what it caught. */
  smtpHost: string;
  smtpPort: number;
  mailWebUrl: string;
  /** Where test processes write their logs (kept with KEEP_TEST_DATA=1). */
  logDir: string;
  /** One file per app process a test started, named by its pid: the teardown's safety net. */
  pidDir: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    infra: TestInfra;
  }
}

type Shared = { ready: Promise<{ infra: TestInfra; stop(): Promise<void> }>; users: number };
// The run's projects (the suite, then the files that run alone) each call this setup in the same process: the first
// starts the services, the others share them, and the last to finish stops them.
const SHARED = Symbol.for("inkstone.test-infra");
const registry = globalThis as typeof globalThis & { [SHARED]?: Shared };

export default async function setup(project: TestProject) {
  registry[SHARED] ??= { ready: startServices(), users: 0 };
  const shared = registry[SHARED];
  shared.users++;
  const { infra, stop } = await shared.ready;
  project.provide("infra", infra);
  return async () => {
    if (--shared.users > 0) return;
    delete registry[SHARED];
    await stop();
  };
}

async function startServices(): Promise<{ infra: TestInfra; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "inkstone-test-"));
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to enter this folder.
  chmodSync(dir, 0o755);
  const logDir = join(dir, "logs");

  const infra = await startInfra({
    dataDir: dir,
    logDir,
    ports: await freeInfraPorts(),
    meiliMasterKey: ephemeralSecrets().MEILI_MASTER_KEY,
    // Tests always run their own servers, whatever the developer's shell points at.
    env: {},
  });
  // Build every stale app now, before any test file runs: a build in the middle of the run would take the CPU from
  // tests that measure queues and timeouts (two cores). Files still check, under a lock, in case one is run alone.
  try {
    await buildStale(APPS, logDir, (app, state) => {
      if (state === "building") console.log(`Building ${app.name} for the tests…`);
    });
  } catch (error) {
    // No teardown runs when the setup fails: the servers would outlive the run.
    await infra.stop();
    throw error;
  }
  return {
    infra: {
      databaseUrl: infra.databaseUrl,
      meiliUrl: infra.meiliUrl,
      meiliMasterKey: infra.meiliMasterKey,
      temporalAddress: infra.temporalAddress,
      smtpHost: infra.smtpHost,
      smtpPort: infra.smtpPort,
      // Always set: with an empty environment the catcher is ours.
      mailWebUrl: String(infra.mailWebUrl),
      logDir,
      pidDir: join(dir, "pids"),
    },
    stop: async () => {
      killLeftovers(join(dir, "pids"));
      await infra.stop();
      if (!process.env.KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kills the process group of every app a test file started and did not stop (a crash, a timeout). */
function killLeftovers(pidDir: string): void {
  if (!existsSync(pidDir)) return;
  for (const pid of readdirSync(pidDir).map(Number)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Stopped properly, as it should have been.
    }
  }
}
