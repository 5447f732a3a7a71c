import { defineConfig } from "vitest/config";

/**
 * Files that measure what the machine's load would distort — the fault drill's recovery times, Lighthouse's
 * performance scores — run after everything else, one at a time, with the machine to themselves.
 */
const ALONE = ["scripts/test/drill.test.ts", "scripts/test/page-quality.test.ts"];

// One run across every workspace's test/ folder, with real services from the global setup.
export default defineConfig({
  test: {
    // Two cores: more parallel files would only slow the real services down.
    maxWorkers: 2,
    reporters: ["default", "./scripts/test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["{config,search,cms,community,workflows,site}/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
          exclude: ALONE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "alone", include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
    globalSetup: ["scripts/test/global-setup.ts"],
    // Integration tests boot real processes; the defaults are tuned for unit tests.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
