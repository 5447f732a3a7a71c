// `npm start`: the whole platform on one machine. Read top to bottom:
// 1. check ports, 2. load or generate local secrets, 3. build what is stale, 4. start infrastructure and apps,
// 5. print the status table, 6. stay up until Ctrl-C / SIGTERM / SIGHUP or until a service dies.
// stdout is the display (progress, the status table); events, warnings and errors go to the logger on stderr.

import { existsSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError, type LauncherEnv, launcherEnv } from "@inkstone/config";
import { maskSecrets } from "@inkstone/config/mask";
import { APPS } from "./stack/apps.ts";
import { log } from "./stack/log.ts";
import { ROOT } from "./stack/paths.ts";
import { MissingPrerequisite } from "./stack/prerequisite.ts";
import { runningNames, STOP_GRACE_MS, stopAll } from "./stack/process.ts";
import { loadSecrets } from "./stack/secrets.ts";
import { buildStale, cmsSettings, type StatusRow, startStack } from "./stack/stack.ts";
import { NotReadyError, tailFile, tcpAnswers } from "./stack/wait.ts";

const started = Date.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
// Status lines may quote URLs and settings the user gave: passwords and secret values are masked, as in the logs.
const say = (line: string) => console.log(maskSecrets(line));

// Once the terminal is gone (its window closed, or `npm start | tee` lost its reader to the same Ctrl-C), writing
// fails with EIO or EPIPE. The output is lost either way; what matters is that the stop carries on.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

let stopping: Promise<never> | undefined;
let lastNotice = 0;

/** Stops everything this process started, then exits with `code`. Later calls wait for that same stop. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    lastNotice = Date.now();
    say("\nStopping Inkstone…");
    let exitCode = code;
    try {
      await stopAll();
      say("Stopped.");
    } catch (error) {
      log.error({ err: error }, `stopping failed; these may still be running: ${runningNames().join(", ")}`);
      exitCode = 1;
    }
    process.exit(exitCode);
  })();
  return stopping;
}

/**
 * One Ctrl-C reaches this process several times: from the terminal (the whole foreground process group gets it),
 * and again from npm and from scripts/with-node.mjs passing theirs on. The first starts the stop; the others wait
 * for it, because exiting early would abandon the services (they run detached, so no terminal signal reaches them).
 */
function onSignal(signal: NodeJS.Signals): void {
  if (!stopping) {
    log.debug(`${signal} received: stopping`);
    void shutdown(0);
    return;
  }
  // Copies of the first signal arrive within milliseconds; a later one is someone pressing Ctrl-C again.
  if (Date.now() - lastNotice < 1000) return;
  lastNotice = Date.now();
  say(
    `\nStill stopping, waiting for ${runningNames().join(", ") || "the last exits"}; ` +
      `a service that takes over ${STOP_GRACE_MS / 1000} s is killed.`,
  );
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

// If whatever started us is gone (npm killed, the wrapper killed), no Ctrl-C can reach us any more: stop.
const parentPid = process.ppid;
setInterval(() => {
  if (stopping || process.ppid === parentPid) return;
  log.warn(`the process that started the launcher (pid ${parentPid}) is gone: stopping`);
  void shutdown(1);
}, 1000).unref();

function printTable(rows: readonly StatusRow[]): void {
  const width = (pick: (r: StatusRow) => string, title: string) =>
    Math.max(title.length, ...rows.map((r) => pick(r).length));
  const w1 = width((r) => r.service, "service");
  const w2 = width((r) => r.url, "url");
  const line = (a: string, b: string, c: string) => `  ${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}`;
  say(`\n${line("service", "url", "state")}`);
  say(line("-".repeat(w1), "-".repeat(w2), "-----"));
  for (const row of rows) say(line(row.service, row.url, row.state));
}

/** Ports we are about to listen on must be free, or the message says what to do. */
async function assertPortsFree(env: NodeJS.ProcessEnv, launcher: LauncherEnv): Promise<void> {
  const wanted: [service: string, port: number, variable: string, used: boolean][] = [
    ["postgres", launcher.POSTGRES_PORT, "POSTGRES_PORT or DATABASE_URL", !env.DATABASE_URL],
    ["meilisearch", launcher.MEILI_PORT, "MEILI_PORT or MEILI_URL", !env.MEILI_URL],
    ["temporal", launcher.TEMPORAL_PORT, "TEMPORAL_PORT or TEMPORAL_ADDRESS", !env.TEMPORAL_ADDRESS],
    ["temporal-ui", launcher.TEMPORAL_UI_PORT, "TEMPORAL_UI_PORT or TEMPORAL_ADDRESS", !env.TEMPORAL_ADDRESS],
    ["mail", launcher.SMTP_PORT, "SMTP_PORT or SMTP_HOST", !launcher.SMTP_HOST],
    ["mail-ui", launcher.MAIL_WEB_PORT, "MAIL_WEB_PORT or SMTP_HOST", !launcher.SMTP_HOST],
    ["cms", launcher.CMS_PORT, "CMS_PORT", true],
    ["community", launcher.COMMUNITY_PORT, "COMMUNITY_PORT", true],
    ["site", launcher.SITE_PORT, "SITE_PORT", true],
    ["local-model", launcher.LOCAL_MODEL_PORT, "LOCAL_MODEL_PORT", Boolean(launcher.LOCAL_MODEL)],
  ];
  for (const [service, port, variable, used] of wanted) {
    if (used && (await tcpAnswers("127.0.0.1", port)))
      throw new MissingPrerequisite(
        `Port ${port} (${service}) is already in use — is another \`npm start\` running? Stop it, or set ${variable}.`,
      );
  }
}

try {
  // .env is optional; variables already in the environment win over it.
  if (existsSync(join(ROOT, ".env"))) process.loadEnvFile(join(ROOT, ".env"));
  const launcher = launcherEnv();
  log.level = launcher.LOG_LEVEL;
  const dataDir = resolve(ROOT, launcher.DATA_DIR);
  const logDir = join(dataDir, "logs");
  say(`Starting Inkstone (data and logs in ${relative(ROOT, dataDir) || "."}/)…`);
  await assertPortsFree(process.env, launcher);
  const secrets = loadSecrets(join(dataDir, "secrets.json"));
  await buildStale(APPS, logDir, (app, state, ms) => {
    if (state === "building")
      say(`  building ${app.name}… (log: ${join(relative(ROOT, logDir), `${app.name}-build.log`)})`);
    if (state === "built") say(`  built ${app.name} in ${seconds(ms ?? 0)}`);
  });
  const stack = await startStack({
    dataDir,
    logDir,
    secrets,
    ports: {
      postgres: launcher.POSTGRES_PORT,
      meilisearch: launcher.MEILI_PORT,
      temporal: launcher.TEMPORAL_PORT,
      temporalUi: launcher.TEMPORAL_UI_PORT,
      smtp: launcher.SMTP_PORT,
      mailWeb: launcher.MAIL_WEB_PORT,
    },
    onStatus: (row) => say(`  ✓ ${row.service} ready (${seconds(Date.now() - started)})`),
  });
  printTable(stack.rows);
  // `npm run seed` and `npm run reindex` run against this stack with the CMS's own settings.
  writeFileSync(join(dataDir, "cms.env.json"), JSON.stringify(cmsSettings(stack.env), null, 2), { mode: 0o600 });
  say(
    `\nCMS admin: ${stack.env.ADMIN_EMAIL}, password ADMIN_PASSWORD in ${relative(ROOT, join(dataDir, "secrets.json"))}`,
  );
  say(
    `\nInkstone is up in ${seconds(Date.now() - started)}. Community: ${stack.env.COMMUNITY_URL}  Docs: ${stack.env.SITE_URL}`,
  );
  if (stack.infra.mailWebUrl) say(`Mail Inkstone sends is caught, not delivered: read it at ${stack.infra.mailWebUrl}`);
  say("Press Ctrl-C to stop everything.");

  const death = await stack.died;
  if (!stopping) {
    log.error(
      `${death.service} exited unexpectedly (${death.signal ?? `code ${death.code}`}). ` +
        `Last lines of ${death.logFile}:\n${await tailFile(death.logFile, 15)}`,
    );
    await shutdown(1);
  }
} catch (error) {
  // Ctrl-C during the start makes the start fail (its processes are stopped under it): finish stopping quietly.
  if (stopping) await stopping;
  if (error instanceof MissingPrerequisite || error instanceof ConfigError || error instanceof NotReadyError)
    log.error(error.message);
  else log.error({ err: error }, "npm start failed");
  await shutdown(1);
}
