// `npm run check`: typecheck every workspace, then lint and format-check with Biome. Exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./stack/paths.ts";

/** A dependency's executable: the workspace's own copy when npm nested one there (astro is), else the root's. */
const bin = (name: string, workspace?: string) => {
  const nested = workspace && join(ROOT, workspace, "node_modules", ".bin", name);
  return nested && existsSync(nested) ? nested : join(ROOT, "node_modules", ".bin", name);
};
const steps: [label: string, command: string, args: string[]][] = [
  ["typecheck scripts", bin("tsc"), ["-p", "tsconfig.json"]],
  ["typecheck config", bin("tsc"), ["-p", "config/tsconfig.json"]],
  ["typecheck search", bin("tsc"), ["-p", "search/tsconfig.json"]],
  ["typecheck workflows", bin("tsc"), ["-p", "workflows/tsconfig.json"]],
  ["typecheck cms", bin("tsc"), ["-p", "cms/tsconfig.json", "--noEmit"]],
  ["typecheck cms tests", bin("tsc"), ["-p", "cms/test/tsconfig.json"]],
  ["typecheck community", bin("astro", "community"), ["check", "--root", "community"]],
  ["typecheck site", bin("tsc"), ["-p", "site/tsconfig.json"]],
  ["lint and format", bin("biome"), ["check", "."]],
];

let failed = 0;
for (const [label, command, args] of steps) {
  const project = args[1];
  if (project?.endsWith(".json") && !existsSync(join(ROOT, project))) continue;
  process.stdout.write(`• ${label}\n`);
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`  ✗ ${label} failed\n`);
  }
}
process.stdout.write(failed ? `\n${failed} check(s) failed\n` : "\nAll checks passed\n");
process.exit(failed ? 1 : 0);
