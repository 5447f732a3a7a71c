import { join } from "node:path";
import { COMMUNITY_DATABASE_NAME, DEFAULT_PORTS, launcherEnv, variableDefaults, variables } from "@inkstone/config";
import { type ApiKeys, ensureApiKeys } from "@inkstone/search";
import { APPS, type AppName, type AppSpec, appEnv, appProcess, type StackEnv } from "./apps.ts";
import { type Infra, type InfraName, type InfraPorts, startInfra } from "./infra.ts";
import { type LocalModel, startLocalModel } from "./local-model.ts";
import { ensureDatabase, withDatabase } from "./postgres.ts";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess, run } from "./process.ts";
import { withoutPassword } from "./redact.ts";
import type { Secrets } from "./secrets.ts";
import { isStale } from "./stale.ts";
import { waitUntil } from "./wait.ts";

export type ServiceName = InfraName | AppName;

export type StatusRow = {
  service: ServiceName | "temporal-ui" | "mail-ui" | "local-model";
  url: string;
  state: string;
};

export type StackOptions = {
  dataDir: string;
  logDir: string;
  secrets: Secrets;
  /** Infrastructure ports when started locally (app ports come from the variables); smtp and mailWeb: the catcher's. */
  ports: InfraPorts;
  /** The user's environment: given URLs are used instead of local servers, given variables win over defaults. */
  env?: NodeJS.ProcessEnv;
  /** Which apps to run; all by default. */
  apps?: readonly AppName[];
  onStatus?: (row: StatusRow) => void;
};

export type Stack = {
  env: StackEnv;
  rows: StatusRow[];
  infra: Infra;
  /** Resolves with the first service that exits without being asked to. */
  died: Promise<{ service: string; code: number | null; signal: NodeJS.Signals | null; logFile: string }>;
  stop(): Promise<void>;
};

/** Builds every app whose build is missing or older than its sources, one at a time (2 cores). */
export async function buildStale(
  apps: readonly AppSpec[],
  logDir: string,
  onProgress: (app: AppSpec, state: "building" | "built" | "fresh", ms?: number) => void = () => {},
): Promise<void> {
  for (const app of apps) {
    if (!isStale(app.sources, app.output)) {
      onProgress(app, "fresh");
      continue;
    }
    onProgress(app, "building");
    const started = Date.now();
    await run({
      name: `${app.name} build`,
      command: "npm",
      args: ["run", "build", "--workspace", app.workspace],
      logFile: join(logDir, `${app.name}-build.log`),
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1", STRAPI_TELEMETRY_DISABLED: "true" },
    });
    onProgress(app, "built", Date.now() - started);
  }
}

/** The variables every app is given: the user's where set, otherwise values that point at this stack. */
export function stackEnv(infra: Infra, secrets: Secrets, userEnv: NodeJS.ProcessEnv, keys?: ApiKeys): StackEnv {
  const given: StackEnv = {};
  for (const name of Object.keys(variables) as (keyof typeof variables)[]) {
    const value = userEnv[name]?.trim();
    if (value) given[name] = value;
  }
  const cmsPort = given.CMS_PORT ?? String(DEFAULT_PORTS.cms);
  const communityPort = given.COMMUNITY_PORT ?? String(DEFAULT_PORTS.community);
  const sitePort = given.SITE_PORT ?? String(DEFAULT_PORTS.site);
  return {
    ...variableDefaults(),
    NODE_ENV: "production",
    // A fresh local stack comes with demo content; the CMS loads it only into an empty database.
    SEED_DEMO_CONTENT: "true",
    CMS_PORT: cmsPort,
    CMS_URL: `http://127.0.0.1:${cmsPort}`,
    COMMUNITY_PORT: communityPort,
    COMMUNITY_URL: `http://127.0.0.1:${communityPort}`,
    SITE_PORT: sitePort,
    SITE_URL: `http://127.0.0.1:${sitePort}`,
    ...secrets,
    ...given,
    DATABASE_URL: infra.databaseUrl,
    COMMUNITY_DATABASE_URL: given.COMMUNITY_DATABASE_URL ?? withDatabase(infra.databaseUrl, COMMUNITY_DATABASE_NAME),
    MEILI_URL: infra.meiliUrl,
    MEILI_MASTER_KEY: infra.meiliMasterKey,
    ...(keys ? { MEILI_ADMIN_KEY: keys.adminKey, MEILI_SEARCH_KEY: keys.searchKey } : {}),
    TEMPORAL_ADDRESS: infra.temporalAddress,
    ...(infra.temporalUiUrl ? { TEMPORAL_UI_URL: infra.temporalUiUrl } : {}),
    SMTP_HOST: infra.smtpHost,
    SMTP_PORT: String(infra.smtpPort),
    // The local catcher takes plain SMTP without a login: settings meant for a real server do not apply to it.
    ...(infra.mailWebUrl ? { SMTP_SECURE: "false", SMTP_USERNAME: undefined, SMTP_PASSWORD: undefined } : {}),
  };
}

/** The variables the CMS runs with in `env`, for scripts that boot it outside the stack (seed, reindex). */
export function cmsSettings(env: StackEnv): Record<string, string> {
  const cms = APPS.find((app) => app.name === "cms");
  if (!cms) throw new Error("no cms app");
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(appEnv(cms, env)))
    if (value !== undefined && (name in variables || name === "NODE_ENV")) settings[name] = value;
  return settings;
}

/**
 * Creates the community's database beside the CMS's (same server, same role) unless it exists. A PostgreSQL of the
 * user's whose role may not create databases gets a message saying what to do instead.
 */
async function ensureCommunityDatabase(databaseUrl: string): Promise<void> {
  try {
    await ensureDatabase(databaseUrl, COMMUNITY_DATABASE_NAME);
  } catch (error) {
    throw new MissingPrerequisite(
      `Could not create the community's database ${COMMUNITY_DATABASE_NAME} on the server of DATABASE_URL ` +
        `(${(error as Error).message}). Create it, or set COMMUNITY_DATABASE_URL to a database the community may use.`,
    );
  }
}

/** Starts infrastructure (or uses the given URLs), then the apps in order, each once its health check passes. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const userEnv = options.env ?? process.env;
  const rows: StatusRow[] = [];
  // Rows go to the terminal and the log: no password from a URL the user gave goes with them.
  const report = (given: StatusRow) => {
    const row = { ...given, url: withoutPassword(given.url) };
    rows.push(row);
    options.onStatus?.(row);
  };
  const infra = await startInfra({
    dataDir: options.dataDir,
    logDir: options.logDir,
    ports: options.ports,
    meiliMasterKey: options.secrets.MEILI_MASTER_KEY,
    env: userEnv,
    onReady: (s) => report({ service: s.name, url: s.url, state: s.process ? "healthy" : "healthy (external)" }),
  });
  if (infra.temporalUiUrl) report({ service: "temporal-ui", url: infra.temporalUiUrl, state: "healthy" });
  // Nothing is delivered from here: every mail the CMS sends lands in the catcher, to be read on this page.
  if (infra.mailWebUrl) report({ service: "mail-ui", url: infra.mailWebUrl, state: "healthy (MailDev)" });

  // LOCAL_MODEL: a GGUF model served on this machine; the worker writes with it unless OPENAI_BASE_URL is given.
  let localModel: LocalModel | undefined;
  const localModelSetting = userEnv.LOCAL_MODEL?.trim();
  if (localModelSetting) {
    localModel = await startLocalModel({
      model: localModelSetting,
      port: launcherEnv(userEnv).LOCAL_MODEL_PORT,
      logDir: options.logDir,
    });
    const used = userEnv.OPENAI_BASE_URL?.trim() ? "not used: OPENAI_BASE_URL is set" : localModel.modelId;
    report({ service: "local-model", url: localModel.baseUrl, state: `healthy (${used})` });
  }
  // The CMS and the community get narrower keys than the master key, which stays with the launcher.
  const keys =
    userEnv.MEILI_ADMIN_KEY && userEnv.MEILI_SEARCH_KEY
      ? undefined
      : await ensureApiKeys(infra.meiliUrl, infra.meiliMasterKey, userEnv.MEILI_INDEX_PREFIX ?? "");
  const env = stackEnv(infra, options.secrets, userEnv, keys);
  // Uploaded covers and avatars are data like the rest: kept with it, so they outlive restarts and go with it.
  if (!userEnv.CMS_PUBLIC_DIR?.trim()) env.CMS_PUBLIC_DIR = join(options.dataDir, "cms-public");
  if (localModel && !userEnv.OPENAI_BASE_URL?.trim())
    Object.assign(env, {
      OPENAI_BASE_URL: localModel.baseUrl,
      // The local server takes any key; the worker needs one to choose its LLM writer.
      OPENAI_API_KEY: "local",
      OPENAI_MODEL: localModel.modelId,
      OPENAI_OUTLINE_MODEL: undefined,
      OPENAI_WRITE_MODEL: undefined,
    });
  if (!userEnv.COMMUNITY_DATABASE_URL?.trim()) await ensureCommunityDatabase(infra.databaseUrl);
  const apps: ManagedProcess[] = [];
  const stop = async () => {
    for (const app of [...apps].reverse()) await app.stop();
    await localModel?.process.stop();
    await infra.stop();
  };
  type Death = Awaited<Stack["died"]>;
  let reportDeath: (death: Death) => void = () => {};
  const died = new Promise<Death>((resolve) => {
    reportDeath = resolve;
  });
  const watch = (proc: ManagedProcess) =>
    void proc.exited.then(({ code, signal }) => {
      if (!proc.stopping) reportDeath({ service: proc.spec.name, code, signal, logFile: proc.spec.logFile });
    });
  for (const service of infra.services) if (service.process) watch(service.process);
  if (localModel) watch(localModel.process);

  try {
    const names = APPS.map((a) => a.name).filter((name) => !options.apps || options.apps.includes(name));
    await startApps(
      names,
      env,
      options.logDir,
      (_app, proc) => {
        apps.push(proc);
        watch(proc);
      },
      (app) => report({ service: app.name, url: app.displayUrl(env), state: "healthy" }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, rows, infra, died, stop };
}

/**
 * Starts `names` in order with `env`, each once the previous one is healthy. `track` sees every process as
 * soon as it exists, so a caller can stop or watch it even if a later start fails.
 */
export async function startApps(
  names: readonly AppName[],
  env: StackEnv,
  logDir: string,
  track: (app: AppSpec, proc: ManagedProcess) => void,
  onReady: (app: AppSpec) => void = () => {},
): Promise<void> {
  for (const app of APPS.filter((a) => names.includes(a.name))) {
    const proc = new ManagedProcess(appProcess(app, env, logDir));
    track(app, proc);
    await waitUntil(() => app.ready(env, proc.pid ?? -1), {
      what: `${app.name} (log: ${proc.spec.logFile})`,
      alive: () => proc.running,
      timeoutMs: 180_000,
    });
    onReady(app);
  }
}
