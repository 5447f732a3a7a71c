import { execFileSync } from "node:child_process";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, if installed (never downloaded); browser tests are skipped only when there is none. */
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

/** Chromium, headless, quiet: no background network, updates or sync. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
