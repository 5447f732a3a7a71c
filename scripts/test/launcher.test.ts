import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { variables } from "@inkstone/config";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../stack/paths.ts";
import { freePort, tcpAnswers } from "../stack/wait.ts";
import { buildApps } from "./services.ts";

// The acceptance test of `npm start`: the real launcher, every service, on free ports and a throwaway data folder.
describe("npm start", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "inkstone-launcher-"));
  chmodSync(dataDir, 0o755);
  afterAll(() => {
    try {
      execFileSync("pkill", ["-KILL", "-f", dataDir]);
    } catch {
      // Nothing left, as it should be.
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const portNames = [
    "POSTGRES_PORT",
    "MEILI_PORT",
    "TEMPORAL_PORT",
    "TEMPORAL_UI_PORT",
    "CMS_PORT",
    "COMMUNITY_PORT",
    "SITE_PORT",
  ];
  let ports: Record<string, number> = {};

  type Launch = { child: ChildProcess; output: () => string; exit: Promise<number | null>; upAfterMs: Promise<number> };
  function launch(): Launch {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(variables)) delete env[name];
    Object.assign(
      env,
      { DATA_DIR: dataDir },
      Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    );
    const started = Date.now();
    const child = spawn(process.execPath, [join(ROOT, "scripts", "start.ts")], { cwd: ROOT, env });
    let output = "";
    const upAfterMs = new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Inkstone is up")) resolve(Date.now() - started);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("exit", () => reject(new Error(`npm start exited before it was up:\n${output}`)));
    });
    upAfterMs.catch(() => {});
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => output, exit, upAfterMs };
  }

  const ourProcesses = () => {
    try {
      return execFileSync("pgrep", ["-f", dataDir], { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };

  it("brings every service up healthy, answers on every URL, and Ctrl-C leaves nothing running", async () => {
    await buildApps(["cms", "worker", "community", "site"]);
    ports = Object.fromEntries(await Promise.all(portNames.map(async (name) => [name, await freePort()] as const)));
    const first = launch();
    const ms = await first.upAfterMs;
    console.log(`first start: up in ${(ms / 1000).toFixed(1)} s`);

    for (const service of ["postgres", "meilisearch", "temporal", "temporal-ui", "cms", "worker", "community", "site"])
      expect(first.output()).toMatch(new RegExp(`^\\s+${service}\\s+\\S.*\\shealthy`, "m"));

    const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(10_000) });
    expect((await get(`http://127.0.0.1:${ports.CMS_PORT}/admin`)).status).toBe(200);
    const health = await get(`http://127.0.0.1:${ports.COMMUNITY_PORT}/health`);
    const body = (await health.json()) as { status: string };
    expect(health.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe("ok");
    expect((await get(`http://127.0.0.1:${ports.SITE_PORT}/`)).status).toBe(200);
    expect((await get(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);
    expect(await (await get(`http://127.0.0.1:${ports.MEILI_PORT}/health`)).json()).toEqual({ status: "available" });

    first.child.kill("SIGINT");
    expect(await first.exit).toBe(0);
    expect(ourProcesses()).toBe("");
    for (const name of portNames) expect(await tcpAnswers("127.0.0.1", ports[name] as number), name).toBe(false);
  });

  it("reuses its data on a second start, and says which service died when one does", async () => {
    const secrets = readFileSync(join(dataDir, "secrets.json"), "utf8");
    const second = launch();
    const ms = await second.upAfterMs;
    console.log(`second start: up in ${(ms / 1000).toFixed(1)} s`);
    expect(second.output()).not.toContain("building");
    expect(readFileSync(join(dataDir, "secrets.json"), "utf8")).toBe(secrets);
    // Nothing initialised the database again: only the first start ran initdb.
    expect(readFileSync(join(dataDir, "logs", "postgres-initdb.log"), "utf8").match(/^--- /gm)).toHaveLength(2);

    execFileSync("pkill", ["-KILL", "-f", join(dataDir, "meilisearch")]);
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain("meilisearch exited unexpectedly");
    expect(ourProcesses()).toBe("");
    for (const name of portNames) expect(await tcpAnswers("127.0.0.1", ports[name] as number), name).toBe(false);
  });
});
