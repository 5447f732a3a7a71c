import { join } from "node:path";
import { SERVICE_VARIABLES, variables } from "@inkstone/config";
import { ROOT } from "./paths.ts";
import type { ProcessSpec } from "./process.ts";
import { isPolling } from "./temporal-pollers.ts";
import { httpAnswers } from "./wait.ts";

export type AppName = keyof typeof SERVICE_VARIABLES & ("cms" | "worker" | "community" | "site");

/** Every variable's value for one stack, as strings, as a child process receives them. */
export type StackEnv = Partial<Record<keyof typeof variables, string>>;

export type AppSpec = {
  name: AppName;
  /** npm workspace that holds it. */
  workspace: string;
  /** Inputs whose change means a rebuild. */
  sources: string[];
  /** A file its build writes; older than any source means stale. */
  output: string;
  /** How it runs once built. */
  command: string;
  args(env: StackEnv): string[];
  cwd: string;
  /** Variables besides its own config (HOST/PORT conventions of the framework, telemetry off). */
  extraEnv(env: StackEnv): NodeJS.ProcessEnv;
  /** True once the process with `pid` is ready to serve. */
  ready(env: StackEnv, pid: number): Promise<boolean>;
  /** URL shown in the status table. */
  displayUrl(env: StackEnv): string;
};

const at = (...parts: string[]) => join(ROOT, ...parts);
const CONFIG_SOURCES = [at("config", "src"), at("package-lock.json")];
const npx = (bin: string) => at("node_modules", ".bin", bin);

/** The apps `npm start` builds and runs, in start order. */
export const APPS: readonly AppSpec[] = [
  {
    name: "cms",
    workspace: "@inkstone/cms",
    sources: [
      at("cms", "src"),
      at("cms", "config"),
      at("cms", "database"),
      at("cms", "package.json"),
      at("cms", "tsconfig.json"),
      ...CONFIG_SOURCES,
    ],
    output: at("cms", "dist", "build", "index.html"),
    command: npx("strapi"),
    args: () => ["start"],
    cwd: at("cms"),
    extraEnv: () => ({
      STRAPI_TELEMETRY_DISABLED: "true",
      BROWSER: "none",
    }),
    ready: (env) => httpAnswers(`${env.CMS_URL}/_health`, [200, 204]),
    displayUrl: (env) => `${env.CMS_URL}/admin`,
  },
  {
    name: "worker",
    workspace: "@inkstone/workflows",
    sources: [at("workflows", "src"), at("workflows", "package.json"), ...CONFIG_SOURCES],
    output: at("workflows", "dist", "worker.js"),
    command: process.execPath,
    args: () => [at("workflows", "dist", "worker.js")],
    cwd: at("workflows"),
    extraEnv: () => ({}),
    // Ready when Temporal lists this very process among the task queue's pollers.
    ready: (env, pid) =>
      isPolling(String(env.TEMPORAL_ADDRESS), String(env.TEMPORAL_NAMESPACE), String(env.TEMPORAL_TASK_QUEUE), pid),
    displayUrl: (env) => `task queue ${env.TEMPORAL_TASK_QUEUE}`,
  },
  {
    name: "community",
    workspace: "@inkstone/community",
    // The build bundles the workspace packages it imports (the search module, the workflows client), and copies public/.
    sources: [
      at("community", "src"),
      at("community", "public"),
      at("community", "astro.config.mjs"),
      at("community", "package.json"),
      at("search", "src"),
      at("workflows", "src"),
      ...CONFIG_SOURCES,
    ],
    output: at("community", "dist", "server", "entry.mjs"),
    command: process.execPath,
    args: () => [at("community", "server", "main.ts")],
    cwd: at("community"),
    // community/server/main.ts (front doors, then @astrojs/node's handler) listens on HOST and PORT.
    extraEnv: (env) => ({ HOST: env.COMMUNITY_HOST, PORT: env.COMMUNITY_PORT, ASTRO_TELEMETRY_DISABLED: "1" }),
    // 503 means "up, but a dependency is down"; the launcher only needs the server itself to answer.
    ready: (env) => httpAnswers(`${env.COMMUNITY_URL}/health`, [200, 503]),
    displayUrl: (env) => `${env.COMMUNITY_URL}`,
  },
  {
    name: "site",
    workspace: "@inkstone/site",
    sources: [at("site"), ...CONFIG_SOURCES],
    output: at("site", ".vitepress", "dist", "index.html"),
    // Our own static server: `vitepress preview` answers its 404 page without a Content-Type.
    command: process.execPath,
    args: () => [at("scripts", "stack", "site-server.ts")],
    cwd: at("site"),
    extraEnv: () => ({}),
    ready: (env) => httpAnswers(`${env.SITE_URL}/`),
    displayUrl: (env) => `${env.SITE_URL}`,
  },
];

/**
 * The environment one app's process gets: the parent's, minus every Inkstone variable, plus exactly the
 * variables that app reads — so no service sees another's secrets.
 */
export function appEnv(app: AppSpec, env: StackEnv): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(variables)) delete child[name];
  for (const name of SERVICE_VARIABLES[app.name]) {
    const value = env[name];
    if (value !== undefined) child[name] = value;
  }
  return { ...child, ...app.extraEnv(env), NODE_ENV: env.NODE_ENV ?? "production" };
}

/** The process spec that runs `app` with `env`, logging to `logDir/<name>.log`. */
export function appProcess(app: AppSpec, env: StackEnv, logDir: string): ProcessSpec {
  return {
    name: app.name,
    command: app.command,
    args: app.args(env),
    cwd: app.cwd,
    env: appEnv(app, env),
    logFile: join(logDir, `${app.name}.log`),
  };
}
