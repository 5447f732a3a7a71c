import { type Browser, chromium } from "playwright-core";
import { findChromium, HEADLESS_FLAGS } from "../../../scripts/quality/chrome.ts";

export { findChromium };

/** Chromium, headless, quiet: no background network, updates or sync. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: HEADLESS_FLAGS,
  });
}
