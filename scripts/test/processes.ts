// Processes as /proc shows them, so a test can name exactly what a command started and check that none outlived it.
import { readdirSync, readFileSync } from "node:fs";

export type ProcessInfo = {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  startTime: string;
  /** Its arguments joined with spaces. */
  cmdline: string;
};

function read(pid: number): ProcessInfo | undefined {
  let stat: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    // The process exited between listing /proc and reading it.
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    state: fields[0] ?? "?",
    startTime: fields[19] ?? "",
    cmdline,
  };
}

function all(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => read(Number(name)))
    .filter((info) => info !== undefined);
}

/** Every process below `pid` in the process tree (children, their children, …). */
export function descendants(pid: number): ProcessInfo[] {
  const processes = all();
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const info of processes) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** True while the process `info` describes still runs (same pid and start time, not a zombie waiting to be reaped). */
export function isRunning(info: ProcessInfo): boolean {
  const now = read(info.pid);
  return now !== undefined && now.startTime === info.startTime && now.state !== "Z";
}

/** Processes whose command line mentions `text` (a data folder, say), as "pid command line". */
export function processesMentioning(text: string): string[] {
  return all()
    .filter((info) => info.pid !== process.pid && info.cmdline.includes(text))
    .map((info) => `${info.pid} ${info.cmdline.trim()}`);
}

/** Kills the process group of each process in `infos` that still runs (a failed test's leftovers). */
export function killGroups(infos: Iterable<ProcessInfo>): void {
  const ownGroup = read(process.pid)?.pgid;
  for (const info of infos) {
    if (!isRunning(info) || info.pgid === ownGroup) continue;
    try {
      process.kill(-info.pgid, "SIGKILL");
    } catch {
      // Its group went away on its own meanwhile, or it shared a group already killed.
    }
  }
}
