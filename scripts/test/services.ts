// Per-test-file isolation on the shared services: each file gets its own database, index prefix and task queue,
// and can boot real apps (CMS, worker, community) as processes the same way `npm start` does.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { variableDefaults } from "@inkstone/config";
import { ensureApiKeys } from "@inkstone/search";
import { afterAll, inject } from "vitest";
import type { AppName, StackEnv } from "../stack/apps.ts";
import { APPS } from "../stack/apps.ts";
import { withLock } from "../stack/lock.ts";
import { ensureDatabase, withDatabase } from "../stack/postgres.ts";
import type { ManagedProcess } from "../stack/process.ts";
import { ephemeralSecrets } from "../stack/secrets.ts";
import { buildStale, startApps } from "../stack/stack.ts";
import { freePort } from "../stack/wait.ts";
import type { TestInfra } from "./global-setup.ts";

// Apps started by this test file; stopped after its last test (hooks registered inside a test would never run).
const running = new Set<() => Promise<void>>();
afterAll(async () => {
  for (const stop of running) await stop();
  running.clear();
});

/** Leaves a note of `proc` for the global teardown, which kills whatever a crashed test file left behind. */
function recordPid(proc: ManagedProcess): void {
  if (proc.pid === undefined) return;
  mkdirSync(testInfra().pidDir, { recursive: true });
  writeFileSync(join(testInfra().pidDir, String(proc.pid)), proc.spec.name);
}

/** The services the global setup started. */
export function testInfra(): TestInfra {
  return inject("infra");
}

/** A short unique id for this test file's resources. */
export function isolationId(): string {
  return `t${randomBytes(5).toString("hex")}`;
}

/** A fresh database on the shared server; returns its URL. */
export async function createTestDatabase(id = isolationId()): Promise<string> {
  const { databaseUrl } = testInfra();
  await ensureDatabase(withDatabase(databaseUrl, "postgres"), id);
  return withDatabase(databaseUrl, id);
}

export type TestStack = {
  env: StackEnv;
  /** Stops the apps this call started (done anyway after the file's last test). */
  stop(): Promise<void>;
};

/**
 * Boots `apps` as real processes against the shared infrastructure, isolated for this file: its own database,
 * index prefix, task queue, ports and secrets. Stopped after the file's tests.
 */
export async function startTestApps(apps: readonly AppName[], overrides: StackEnv = {}): Promise<TestStack> {
  const infra = testInfra();
  const id = isolationId();
  const needsDatabase = apps.includes("cms");
  const [cmsPort, communityPort, sitePort, metricsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const keys = await ensureApiKeys(infra.meiliUrl, infra.meiliMasterKey, `${id}_`);
  const env: StackEnv = {
    ...variableDefaults(),
    NODE_ENV: "production",
    ...ephemeralSecrets(),
    DATABASE_URL: needsDatabase ? await createTestDatabase(id) : infra.databaseUrl,
    // The community's shared store: its own database, as in `npm start`.
    COMMUNITY_DATABASE_URL: apps.includes("community")
      ? await createTestDatabase(`${id}_community`)
      : infra.databaseUrl,
    MEILI_URL: infra.meiliUrl,
    MEILI_MASTER_KEY: infra.meiliMasterKey,
    MEILI_INDEX_PREFIX: `${id}_`,
    MEILI_ADMIN_KEY: keys.adminKey,
    MEILI_SEARCH_KEY: keys.searchKey,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_TASK_QUEUE: `${id}-generation`,
    CMS_PORT: String(cmsPort),
    CMS_URL: `http://127.0.0.1:${cmsPort}`,
    COMMUNITY_PORT: String(communityPort),
    COMMUNITY_URL: `http://127.0.0.1:${communityPort}`,
    SITE_PORT: String(sitePort),
    SITE_URL: `http://127.0.0.1:${sitePort}`,
    // Test files run workers side by side: each gets its own metrics port.
    WORKER_METRICS_PORT: String(metricsPort),
    // …and each CMS its own uploads folder, in the run's temporary folder rather than the working tree.
    CMS_PUBLIC_DIR: join(infra.logDir, "..", "cms-public", id),
    // Every CMS mails the run's catcher (./mailbox.ts reads it).
    SMTP_HOST: infra.smtpHost,
    SMTP_PORT: String(infra.smtpPort),
    // Most files test other things, and their members comment and generate right after signing up; the account
    // tests confirm addresses through the catcher and override this with "required".
    MEMBER_EMAIL_VERIFICATION: "off",
    ...overrides,
  };
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const proc of started.reverse().splice(0)) await proc.stop();
  };
  running.add(stop);
  try {
    await buildApps(apps);
    await startApps(apps, env, infra.logDir, (_app, proc) => {
      started.push(proc);
      recordPid(proc);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, stop };
}

/** Builds the stale ones among `apps`; test files run in parallel, so one builds while the others wait. */
export async function buildApps(apps: readonly AppName[]): Promise<void> {
  const { logDir } = testInfra();
  await withLock(join(logDir, "..", "build.lock"), () =>
    buildStale(
      APPS.filter((app) => apps.includes(app.name)),
      logDir,
    ),
  );
}
