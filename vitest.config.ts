import { defineConfig } from "vitest/config";

// One run across every workspace's test/ folder, with real services from the global setup.
export default defineConfig({
  test: {
    include: ["{config,search,cms,community,workflows,site}/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    globalSetup: ["scripts/test/global-setup.ts"],
    // Integration tests boot real processes; the defaults are tuned for unit tests.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more parallel files would only slow the real services down.
    maxWorkers: 2,
    reporters: ["default", "./scripts/test/summary-reporter.ts"],
  },
});
