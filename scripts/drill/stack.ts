// The fault drill's own Inkstone: PostgreSQL, Meilisearch, Temporal and the mail catcher started by the launcher's
// code in a folder of its own, the CMS, the worker, two community replicas and the community's nginx proxy in front
// of them. Every dependency but the mail catcher can be stopped, killed and started again while the rest keeps running.
import { join } from "node:path";
import { COMMUNITY_DATABASE_NAME, DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_USER } from "@inkstone/config";
import { ensureApiKeys } from "@inkstone/search";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { APPS, type AppName, type AppSpec, appProcess, type StackEnv } from "../stack/apps.ts";
import type { Infra } from "../stack/infra.ts";
import { startMailCatcher } from "../stack/mail.ts";
import { startMeilisearch } from "../stack/meilisearch.ts";
import { ensureDatabase, startPostgres, withDatabase } from "../stack/postgres.ts";
import { ManagedProcess } from "../stack/process.ts";
import { ephemeralSecrets } from "../stack/secrets.ts";
import { buildStale, stackEnv } from "../stack/stack.ts";
import { startTemporal } from "../stack/temporal.ts";
import { freePort, httpAnswers, waitUntil } from "../stack/wait.ts";
import { type RunningProxy, startProxy } from "../test/community-proxy.ts";

/** What the drill takes away in turn. `community` is one of the two replicas; the proxy keeps the other. */
export type Dependency = "postgres" | "meilisearch" | "temporal" | "cms" | "worker" | "community";

/** One dependency the drill controls: its process, how to start it again, and when it serves. */
export class Controlled {
  #proc: ManagedProcess | undefined;
  readonly name: Dependency;
  readonly launch: () => ManagedProcess | Promise<ManagedProcess>;
  readonly ready: (proc: ManagedProcess) => Promise<boolean>;

  constructor(
    name: Dependency,
    launch: () => ManagedProcess | Promise<ManagedProcess>,
    ready: (proc: ManagedProcess) => Promise<boolean>,
  ) {
    this.name = name;
    this.launch = launch;
    this.ready = ready;
  }

  /** Starts it and waits until it serves. */
  async start(): Promise<void> {
    const proc = await this.launch();
    this.#proc = proc;
    await waitUntil(() => this.ready(proc), {
      what: `${this.name} (log: ${proc.spec.logFile})`,
      alive: () => proc.running,
      timeoutMs: 180_000,
    });
  }

  /** Its own way of stopping (PostgreSQL's fast shutdown cuts every connection). */
  async stop(): Promise<void> {
    await this.#proc?.stop();
    this.#proc = undefined;
  }

  /** kill -9 on its whole process group. */
  async kill(): Promise<void> {
    await this.#proc?.kill();
    this.#proc = undefined;
  }
}

export type DrillStack = {
  /** The variables the apps run with (the first replica's ports). */
  env: StackEnv;
  /** The community as the public reaches it: through the proxy. */
  communityUrl: string;
  /** A stand-in web the generation runs read their sources from. */
  sourcesUrl: string;
  /** How many times the slow source has been asked for (a run reading it is mid-activity). */
  slowSourceReads(): number;
  deps: Record<Dependency, Controlled>;
  stop(): Promise<void>;
};

const app = (name: AppName): AppSpec => {
  const spec = APPS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no app ${name}`);
  return spec;
};

/** Pages the drill's generation runs read: one slow one, so a run is still busy when the worker is killed. */
export const SOURCES = {
  "/tides": { body: articlePage("Tidal power", prose("Tidal power")) },
  "/slow-tides": { body: articlePage("Tidal barrages", prose("Tidal barrages")), delayMs: 4000 },
};

/** Builds what is stale, then starts everything in `dir` on free ports. */
export async function startDrillStack(dir: string): Promise<DrillStack> {
  const logDir = join(dir, "logs");
  await buildStale(
    APPS.filter((spec) => ["cms", "worker", "community"].includes(spec.name)),
    logDir,
  );
  const secrets = ephemeralSecrets();
  const ports = {
    postgres: await freePort(),
    meilisearch: await freePort(),
    temporal: await freePort(),
    cms: await freePort(),
    replicas: [await freePort(), await freePort()] as const,
    metrics: await freePort(),
    smtp: await freePort(),
    mailWeb: await freePort(),
  };
  const started: Controlled[] = [];
  let proxy: RunningProxy | undefined;
  let web: Awaited<ReturnType<typeof startFixtureWeb>> | undefined;
  let mail: ManagedProcess | undefined;
  const stop = async () => {
    for (const dep of started.reverse()) await dep.stop();
    await proxy?.stop();
    await web?.close();
    await mail?.stop();
  };
  const startTracked = async (dep: Controlled) => {
    started.push(dep);
    await dep.start();
  };

  try {
    const admin = `postgres://${DEFAULT_DATABASE_USER}@127.0.0.1:${ports.postgres}/postgres`;
    const postgres = new Controlled(
      "postgres",
      () =>
        startPostgres({ dataDir: join(dir, "postgres"), port: ports.postgres, logDir, user: DEFAULT_DATABASE_USER }),
      async () => true,
    );
    const meiliUrl = `http://127.0.0.1:${ports.meilisearch}`;
    const meilisearch = new Controlled(
      "meilisearch",
      () =>
        startMeilisearch({
          dataDir: join(dir, "meilisearch"),
          port: ports.meilisearch,
          masterKey: secrets.MEILI_MASTER_KEY,
          logDir,
        }),
      async () => true,
    );
    const temporal = new Controlled(
      "temporal",
      () => startTemporal({ dataDir: join(dir, "temporal"), port: ports.temporal, logDir }),
      async () => true,
    );
    // The launcher's start functions return once each serves. The mail catcher is not taken away: the CMS's mail
    // (sign-up confirmations) only needs somewhere to go.
    const catcher = async () => {
      mail = await startMailCatcher({ dataDir: dir, smtpPort: ports.smtp, webPort: ports.mailWeb, logDir });
    };
    await Promise.all([startTracked(postgres), startTracked(meilisearch), startTracked(temporal), catcher()]);
    await ensureDatabase(admin, DEFAULT_DATABASE_NAME);
    await ensureDatabase(admin, COMMUNITY_DATABASE_NAME);

    web = await startFixtureWeb(SOURCES);
    const infra: Infra = {
      databaseUrl: withDatabase(admin, DEFAULT_DATABASE_NAME),
      meiliUrl,
      meiliMasterKey: secrets.MEILI_MASTER_KEY,
      temporalAddress: `127.0.0.1:${ports.temporal}`,
      smtpHost: "127.0.0.1",
      smtpPort: ports.smtp,
      mailWebUrl: `http://127.0.0.1:${ports.mailWeb}`,
      services: [],
      stop: async () => {},
    };
    const keys = await ensureApiKeys(meiliUrl, secrets.MEILI_MASTER_KEY, "");
    // Replicas start after the proxy, whose port is the community's public address.
    proxy = await startProxy([...ports.replicas]);
    const communityUrl = `http://127.0.0.1:${proxy.port}`;
    const env: StackEnv = {
      ...stackEnv(infra, secrets, {}, keys),
      CMS_PORT: String(ports.cms),
      CMS_URL: `http://127.0.0.1:${ports.cms}`,
      COMMUNITY_PORT: String(ports.replicas[0]),
      COMMUNITY_URL: communityUrl,
      // The proxy runs on this machine: its address is the one the replicas believe X-Forwarded-For from.
      TRUSTED_PROXIES: "127.0.0.1",
      WORKER_METRICS_PORT: String(ports.metrics),
      // The sources are the stand-in web on loopback.
      FETCH_ALLOW_PRIVATE: "true",
      // The load's members comment and generate as soon as they sign up, with no inbox to confirm from.
      MEMBER_EMAIL_VERIFICATION: "off",
    };

    const cms = new Controlled(
      "cms",
      () => newProcess(app("cms"), env, logDir),
      () => app("cms").ready(env, -1),
    );
    const worker = new Controlled(
      "worker",
      () => newProcess(app("worker"), env, logDir),
      (proc) => app("worker").ready(env, proc.pid ?? -1),
    );
    const replica = (index: 0 | 1) => {
      const own = { ...env, COMMUNITY_PORT: String(ports.replicas[index]) };
      return new Controlled(
        "community",
        () => newProcess(app("community"), own, join(logDir, `replica-${index + 1}`)),
        () => httpAnswers(`http://127.0.0.1:${ports.replicas[index]}/health`, [200, 503]),
      );
    };
    const [first, second] = [replica(0), replica(1)];
    await startTracked(cms);
    await startTracked(worker);
    await Promise.all([startTracked(first), startTracked(second)]);
    // The proxy counts the CMS's webhooks sent before the replicas listened as failures, and skips a failed replica
    // for 10 s (max_fails=1): the drill starts once the public address itself answers.
    await waitUntil(() => httpAnswers(`${communityUrl}/health`, [200]), {
      what: "the community through its proxy",
      timeoutMs: 60_000,
    });
    return {
      env,
      communityUrl,
      sourcesUrl: web.url,
      slowSourceReads: () => web?.hits.get("/slow-tides") ?? 0,
      deps: { postgres, meilisearch, temporal, cms, worker, community: first },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function newProcess(spec: AppSpec, env: StackEnv, logDir: string): ManagedProcess {
  return new ManagedProcess(appProcess(spec, env, logDir));
}
