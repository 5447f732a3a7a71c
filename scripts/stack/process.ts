import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type ProcessSpec = {
  /** Service name, used in messages. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every line the process prints goes here. */
  logFile: string;
  /** Run as another user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** How the process asks to shut down cleanly (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
};

const live = new Set<ManagedProcess>();

/** Stops every process started here that is still running, newest first (used on Ctrl-C at any moment). */
export async function stopAll(): Promise<void> {
  for (const proc of [...live].reverse()) await proc.stop();
}

/** A child process in its own process group, so stopping it also stops whatever it spawned. */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stopping = false;
  #running = true;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log = createWriteStream(spec.logFile, { flags: "a" });
    log.write(`\n--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(" ")}\n`);
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
    });
    this.child.stdout?.pipe(log, { end: false });
    this.child.stderr?.pipe(log, { end: false });
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        log.write(`--- failed to start: ${error.message}\n`);
        this.#running = false;
        live.delete(this);
        resolve({ code: 127, signal: null });
      });
      this.child.on("exit", (code, signal) => {
        this.#running = false;
        live.delete(this);
        log.end(`--- exited code=${code} signal=${signal}\n`);
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.#running;
  }

  /** True once stop() was called, so an exit that follows is expected rather than a crash. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Asks the whole process group to stop, then kills it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    if (!this.#running || this.pid === undefined) return;
    signalGroup(this.pid, this.spec.stopSignal ?? "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.pid as number, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    // The leader is gone; make sure nothing it spawned outlives it.
    signalGroup(this.pid, "SIGKILL");
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to completion with its output in a log file; rejects with the log's tail on failure. */
export async function run(spec: Omit<ProcessSpec, "stopSignal">): Promise<void> {
  const proc = new ManagedProcess(spec);
  const { code, signal } = await proc.exited;
  if (code !== 0) {
    const { tailFile } = await import("./wait.ts");
    throw new Error(
      `${spec.name}: \`${spec.command} ${spec.args.join(" ")}\` failed (${signal ?? `exit ${code}`}). ` +
        `Last lines of ${spec.logFile}:\n${await tailFile(spec.logFile, 20)}`,
    );
  }
}
