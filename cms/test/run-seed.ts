import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { cmsSettings } from "../../scripts/stack/stack.ts";

/** Runs `npm run seed`'s script against the CMS of `env`, as it would run against `npm start`'s stack. */
export function runSeed(env: StackEnv): { created: number; output: string } {
  const dataDir = mkdtempSync(join(tmpdir(), "inkstone-seed-"));
  writeFileSync(join(dataDir, "cms.env.json"), JSON.stringify(cmsSettings(env)));
  const result = spawnSync(process.execPath, ["scripts/seed.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 300_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`seed failed (${result.status}):\n${output}`);
  const created = Number(/Loaded (\d+) new entries/.exec(result.stdout)?.[1] ?? 0);
  return { created, output };
}
