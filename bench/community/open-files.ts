import { readFileSync } from "node:fs";

/**
 * This process's limit on open files, from /proc on Linux; undefined where that cannot be read. Node raises its own
 * soft limit to the hard one when it starts (and so does every Node server the bench starts), so the hard limit is
 * what counts, and only it is worth checking: raising it takes root (`ulimit -Hn`, limits.conf, `--ulimit nofile=`).
 */
export function openFilesLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (!line) return undefined;
    return line[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(line[1]);
  } catch {
    // Not Linux (no /proc): the caller says it could not check.
    return undefined;
  }
}
