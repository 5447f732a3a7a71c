// Vitest global setup: real PostgreSQL, Meilisearch and Temporal, started once per run on free ports with the
// launcher's own code, in a temporary folder removed afterwards. Test files get isolation from ./services.ts.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startInfra } from "../stack/infra.ts";
import { ephemeralSecrets } from "../stack/secrets.ts";
import { freePort } from "../stack/wait.ts";

export type TestInfra = {
  databaseUrl: string;
  meiliUrl: string;
  meiliMasterKey: string;
  temporalAddress: string;
  /** Where test processes write their logs (kept on failure for reading). */
  logDir: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    infra: TestInfra;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "inkstone-test-"));
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to enter this folder.
  chmodSync(dir, 0o755);
  const logDir = join(dir, "logs");

  const infra = await startInfra({
    dataDir: dir,
    logDir,
    ports: { postgres: await freePort(), meilisearch: await freePort(), temporal: await freePort() },
    meiliMasterKey: ephemeralSecrets().MEILI_MASTER_KEY,
    // Tests always run their own servers, whatever the developer's shell points at.
    env: {},
  });
  project.provide("infra", {
    databaseUrl: infra.databaseUrl,
    meiliUrl: infra.meiliUrl,
    meiliMasterKey: infra.meiliMasterKey,
    temporalAddress: infra.temporalAddress,
    logDir,
  });

  return async () => {
    await infra.stop();
    if (!process.env.KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
  };
}
