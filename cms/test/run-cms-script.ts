import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { cmsSettings } from "../../scripts/stack/stack.ts";

/** Runs a script that boots the CMS (scripts/seed.ts, scripts/reindex.ts) against the CMS of `env`, as against `npm start`'s. */
export function runCmsScript(script: string, env: StackEnv): Promise<{ stdout: string; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "inkstone-script-"));
  writeFileSync(join(dataDir, "cms.env.json"), JSON.stringify(cmsSettings(env)));
  // Asynchronous, so a test can keep querying while the script runs.
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const output = `${stdout}\n${stderr}`;
      if (code === 0) resolve({ stdout, output });
      else reject(new Error(`${script} failed (${code}):\n${output}`));
    });
  });
}

/** `npm run seed` against the CMS of `env`; how many entries it created. */
export async function runSeed(env: StackEnv): Promise<{ created: number; output: string }> {
  const { stdout, output } = await runCmsScript("scripts/seed.ts", env);
  return { created: Number(/Loaded (\d+) new entries/.exec(stdout)?.[1] ?? 0), output };
}
