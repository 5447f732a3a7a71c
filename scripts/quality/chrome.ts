// Debian's Chromium for the page-quality checks: found on PATH (never downloaded), started once headless with a
// DevTools port that Lighthouse connects to for every page.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The flags every headless run uses (a container has no sandbox and no GPU; no background traffic skews timings). */
export const HEADLESS_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Lighthouse's runs: the headless flags, and what Lighthouse's own launcher adds. */
export const CHROME_FLAGS = [
  ...HEADLESS_FLAGS,
  // What Lighthouse's own launcher adds so that a page in a background tab is measured like one in front.
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-extensions",
  "--mute-audio",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
  "--disable-renderer-backgrounding",
  "--password-store=basic",
];

/** The path of Debian's Chromium, or undefined when none is installed. */
export function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || undefined;
    } catch {
      // Not this name.
    }
  }
  return undefined;
}

export type Chrome = {
  /** The DevTools port, for `lighthouse(url, { port })`. */
  port: number;
  close(): Promise<void>;
};

/**
 * Starts `executable` headless (with `extraFlags`, e.g. `--force-dark-mode`) on a free DevTools port and a
 * throwaway profile; resolves once it listens.
 */
export async function launchChrome(executable: string, extraFlags: string[] = [], timeoutMs = 30_000): Promise<Chrome> {
  const profile = mkdtempSync(join(tmpdir(), "inkstone-chrome-"));
  const child = spawn(
    executable,
    [...CHROME_FLAGS, ...extraFlags, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(
        () => reject(new Error(`Chromium did not open its DevTools port: ${output}`)),
        timeoutMs,
      );
      const listen = (chunk: Buffer) => {
        output += chunk.toString();
        // Chromium announces the port it picked on stderr.
        const match = output.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
        if (match) {
          clearTimeout(timer);
          child.stderr.off("data", listen);
          resolve(Number(match[1]));
        }
      };
      child.stderr.on("data", listen);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}) before it listened: ${output}`));
      });
    });
    // Keep draining stderr so a chatty browser never blocks on a full pipe.
    child.stderr.resume();
    return { port, close };
  } catch (error) {
    await close();
    throw error;
  }
}
