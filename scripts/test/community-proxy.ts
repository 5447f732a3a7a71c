// The community's front proxy (deploy/community-proxy/nginx.conf, as compose mounts it) running in Debian's nginx in
// front of replicas on this machine: the compose test puts stand-ins behind it, the fault drill real replicas.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../stack/paths.ts";
import { freePort, tcpAnswers, waitUntil } from "../stack/wait.ts";
import { directivesNamed, formatNginx, type NginxDirective, parseNginx } from "./compose-file.ts";

/** Debian's nginx (apt-get install nginx-light), if installed. */
export const nginx = ["nginx", "/usr/sbin/nginx"].find(
  (command) => spawnSync(command, ["-v"], { stdio: "ignore" }).status === 0,
);

export const PROXY_CONFIG_FILE = join(ROOT, "deploy", "community-proxy", "nginx.conf");

const isLoopback = (value: unknown) => /\b(127\.0\.0\.1|localhost)\b/.test(String(value));

/** True for a server block that listens on loopback only (the proxy's own health check). */
export const isLoopbackListen = (server: NginxDirective) =>
  directivesNamed(server.block ?? [], "listen").every((listen) => isLoopback(listen.args[0]));

export type RunningProxy = { port: number; accessLog(): Record<string, unknown>[]; stop(): Promise<void> };

/**
 * The proxy's configuration, changed only where a container differs from this machine: the replicas are the given
 * loopback ports instead of the name "community" (Debian's nginx predates `resolve`), the listening ports are free
 * ones, and logs and temporary files go to a folder of its own.
 */
export async function startProxy(
  replicas: number[],
  config: NginxDirective[] = parseNginx(readFileSync(PROXY_CONFIG_FILE, "utf8")),
): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), "inkstone-proxy-"));
  // Run as root, nginx's workers are `nobody`: they must reach the temporary folders below.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const healthPort = await freePort();
  const rewrite = (directives: NginxDirective[], inServer?: "public" | "health"): NginxDirective[] =>
    directives.flatMap((directive): NginxDirective[] => {
      const { name, args, block } = directive;
      if (name === "server" && block && args.length === 0)
        return [{ name, args, block: rewrite(block, isLoopbackListen(directive) ? "health" : "public") }];
      if (name === "listen") return [{ name, args: [`127.0.0.1:${inServer === "health" ? healthPort : port}`] }];
      if (name === "server" && !block)
        return replicas.map((replica) => ({
          name,
          args: [`127.0.0.1:${replica}`, ...args.slice(1).filter((arg) => arg !== "resolve")],
        }));
      // Node's pipes are sockets, on which /dev/stdout and /dev/stderr cannot be opened: files instead.
      if (name === "access_log" && args[0] !== "off")
        return [{ name, args: [join(dir, "access.log"), ...args.slice(1)] }];
      if (name === "error_log") return [{ name, args: [join(dir, "error.log"), ...args.slice(1)] }];
      if (name === "http" && block)
        return [
          {
            name,
            args,
            block: [
              ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => ({
                name: `${kind}_temp_path`,
                args: [join(dir, kind)],
              })),
              ...rewrite(block),
            ],
          },
        ];
      return [block ? { name, args, block: rewrite(block, inServer) } : directive];
    });
  writeFileSync(join(dir, "nginx.conf"), formatNginx(rewrite(config)));
  const child: ChildProcess = spawn(
    nginx ?? "nginx",
    [
      "-p",
      dir,
      "-c",
      join(dir, "nginx.conf"),
      "-e",
      join(dir, "error.log"),
      "-g",
      `daemon off; pid ${join(dir, "nginx.pid")};`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    await waitUntil(() => tcpAnswers("127.0.0.1", port), {
      what: "nginx",
      alive: () => child.exitCode === null,
      timeoutMs: 10_000,
    });
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    port,
    accessLog: () =>
      readFileSync(join(dir, "access.log"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
