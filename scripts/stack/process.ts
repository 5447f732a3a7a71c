import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { errorMessage } from "@inkstone/config/logger";
import { log } from "./log.ts";

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

/** How long a process may take to stop after it was asked before its whole process group is killed. */
export const STOP_GRACE_MS = 10_000;

/** Raised when something asks to start a process after stopAll() began: nothing may outlive the stop. */
export class StoppingError extends Error {
  override name = "StoppingError";
}

const live = new Set<ManagedProcess>();
let closed = false;

/**
 * Stops every process started here that is still running, newest first (apps before the servers they use), and
 * refuses to start any more: a start that was under way when Ctrl-C came fails instead of leaving a server behind.
 */
export async function stopAll(): Promise<void> {
  closed = true;
  while (live.size > 0) for (const proc of [...live].reverse()) await proc.stop();
}

/** Names of the processes not yet exited, oldest first (to say what a stop is waiting for). */
export function runningNames(): string[] {
  return [...live].map((proc) => proc.spec.name);
}

/**
 * A child process in its own process group and session, so stopping it also stops whatever it spawned. Being
 * detached also keeps a terminal's Ctrl-C away from it: the launcher decides the order things stop in.
 */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stopped: Promise<void> | undefined;
  #running = true;

  constructor(spec: ProcessSpec) {
    if (closed) throw new StoppingError(`Not starting ${spec.name}: Inkstone is stopping.`);
    this.spec = spec;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const logFile = createWriteStream(spec.logFile, { flags: "a" });
    let logFailed = false;
    logFile.on("error", (error) => {
      // Once is enough: the service runs on without its log (a full disk, a deleted folder).
      if (!logFailed) log.warn(`${spec.name}: cannot write its log ${spec.logFile}: ${error.message}`);
      logFailed = true;
    });
    logFile.write(`\n--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(" ")}\n`);
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
    });
    this.child.stdout?.pipe(logFile, { end: false });
    this.child.stderr?.pipe(logFile, { end: false });
    live.add(this);
    log.debug(`${spec.name} started (pid ${this.child.pid}): ${spec.command} ${spec.args.join(" ")}`);
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        logFile.write(`--- failed to start: ${error.message}\n`);
        this.#running = false;
        live.delete(this);
        resolve({ code: 127, signal: null });
      });
      this.child.on("exit", (code, signal) => {
        this.#running = false;
        live.delete(this);
        log.debug(`${spec.name} exited (pid ${this.child.pid}, ${signal ?? `code ${code}`})`);
        resolve({ code, signal });
      });
      // Output can still arrive after "exit"; "close" comes once the output pipes are drained and shut.
      this.child.on("close", (code, signal) => logFile.end(`--- exited code=${code} signal=${signal}\n`));
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
    return this.#stopped !== undefined;
  }

  /** Asks the whole process group to stop, then kills it after `graceMs`. Calling it again waits for the same stop. */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.#stopped ??= this.#stop(graceMs);
    return this.#stopped;
  }

  /** Kills the whole process group at once (SIGKILL), as a crash or the OOM killer would: nothing gets to clean up. */
  async kill(): Promise<void> {
    this.#stopped ??= (async () => {
      if (this.pid !== undefined && this.#running) signalGroup(this.pid, "SIGKILL");
      await this.exited;
    })();
    return this.#stopped;
  }

  async #stop(graceMs: number): Promise<void> {
    const pid = this.pid;
    // Never spawned: its "error" event settles `exited` (and takes it off the live list).
    if (pid === undefined) {
      await this.exited;
      return;
    }
    if (!this.#running) return;
    log.debug(`stopping ${this.spec.name} (pid ${pid})`);
    signalGroup(pid, this.spec.stopSignal ?? "SIGTERM");
    const timer = setTimeout(() => {
      log.warn(`${this.spec.name} (pid ${pid}) did not stop within ${graceMs / 1000} s: killing it`);
      signalGroup(pid, "SIGKILL");
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
    // The leader is gone; make sure nothing it spawned outlives it.
    signalGroup(pid, "SIGKILL");
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH")
      log.warn(`could not send ${signal} to process group ${pid}: ${errorMessage(error)}`);
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
