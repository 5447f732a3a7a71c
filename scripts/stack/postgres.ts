import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess, run } from "./process.ts";
import { tcpAnswers, waitUntil } from "./wait.ts";

export type PostgresOptions = {
  dataDir: string;
  port: number;
  logDir: string;
  user: string;
};

/** Finds initdb and postgres: on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string {
  const onPath = which("postgres");
  if (onPath && which("initdb")) return dirname(onPath);
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(base, versions[0], "bin");
  throw new MissingPrerequisite(
    "PostgreSQL was not found. Install it (Debian/Ubuntu: `apt-get install postgresql`) " +
      "or set DATABASE_URL to a PostgreSQL you run yourself.",
  );
}

function which(command: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    // `command -v` exits non-zero when there is no such command.
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the system's `postgres` user, so its data directory
 * must belong to that user and every folder above it must be searchable by it.
 */
function serverAccount(dataDir: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids: string[];
  try {
    ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim().split(/\s+/);
    ids.push(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  } catch {
    throw new MissingPrerequisite(
      "PostgreSQL cannot run as root and there is no `postgres` user to run it as. " +
        "Run `npm start` as an ordinary user, install Debian's postgresql package (it creates the user), " +
        "or set DATABASE_URL.",
    );
  }
  const uid = Number(ids[0]);
  const gid = Number(ids[1]);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001); // search permission only, to reach the data folder
  }
  return { uid, gid };
}

/** Starts PostgreSQL in `dataDir` (initialising it on first use) and resolves once it accepts connections. */
export async function startPostgres(options: PostgresOptions): Promise<ManagedProcess> {
  const bin = findPostgresBin();
  const account = serverAccount(options.dataDir);
  const clusterDir = join(options.dataDir, "cluster");
  mkdirSync(options.dataDir, { recursive: true });
  if (account) chownSync(options.dataDir, account.uid, account.gid);

  if (!existsSync(join(clusterDir, "PG_VERSION"))) {
    await run({
      name: "postgres (initdb)",
      command: join(bin, "initdb"),
      args: ["-D", clusterDir, "-U", options.user, "--auth=trust", "--encoding=UTF8", "--no-locale"],
      logFile: join(options.logDir, "postgres-initdb.log"),
      ...account,
    });
  }
  const server = new ManagedProcess({
    name: "postgres",
    command: join(bin, "postgres"),
    args: [
      "-D",
      clusterDir,
      "-p",
      String(options.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${options.dataDir}`,
      "-c",
      "max_connections=200",
    ],
    logFile: join(options.logDir, "postgres.log"),
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
    stopSignal: "SIGINT",
    ...account,
  });
  // The port opens before recovery ends ("the database system is starting up"): ready means a query answers.
  const probe = `postgres://${options.user}@127.0.0.1:${options.port}/postgres`;
  await waitUntil(async () => (await tcpAnswers("127.0.0.1", options.port)) && (await queryAnswers(probe)), {
    what: "postgres",
    alive: () => server.running,
    timeoutMs: 60_000,
  });
  return server;
}

async function queryAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    // Refused or "the database system is starting up": not ready yet, and the caller asks again.
    return false;
  } finally {
    // Closing a connection that never opened fails too; nothing to do about it.
    await client.end().catch(() => {});
  }
}

/** Creates `database` on the server at `adminUrl` when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
