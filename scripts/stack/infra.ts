import { join } from "node:path";
import { DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_USER } from "@inkstone/config";
import { errorMessage } from "@inkstone/config/logger";
import pg from "pg";
import { startMailCatcher } from "./mail.ts";
import { startMeilisearch } from "./meilisearch.ts";
import { ensureDatabase, startPostgres, withDatabase } from "./postgres.ts";
import { MissingPrerequisite } from "./prerequisite.ts";
import type { ManagedProcess } from "./process.ts";
import { startTemporal } from "./temporal.ts";
import { freePort, httpAnswers, tcpAnswers } from "./wait.ts";

export type InfraName = "postgres" | "meilisearch" | "temporal" | "mail";

export type InfraService = {
  name: InfraName;
  url: string;
  /** Set when we started it; absent when the environment gave its URL. */
  process?: ManagedProcess;
};

export type Infra = {
  /** Connection URL of the CMS database. */
  databaseUrl: string;
  meiliUrl: string;
  meiliMasterKey: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** The SMTP server the CMS sends through: the local mail catcher, or SMTP_HOST. */
  smtpHost: string;
  smtpPort: number;
  /** The mail catcher's web page and REST API; set only when we run the catcher. */
  mailWebUrl?: string;
  services: InfraService[];
  /** Stops what was started here, in reverse order. */
  stop(): Promise<void>;
};

/** Ports of the local infrastructure servers; `smtp` and `mailWeb` are the mail catcher's. */
export type InfraPorts = {
  postgres: number;
  meilisearch: number;
  temporal: number;
  temporalUi?: number;
  smtp: number;
  mailWeb: number;
};

/** Free ports for a private set of infrastructure (tests, benches, the drill), the Temporal UI left out. */
export async function freeInfraPorts(): Promise<InfraPorts> {
  return {
    postgres: await freePort(),
    meilisearch: await freePort(),
    temporal: await freePort(),
    smtp: await freePort(),
    mailWeb: await freePort(),
  };
}
export type InfraOptions = {
  dataDir: string;
  logDir: string;
  /** Where the local servers listen; `smtp` and `mailWeb` are the mail catcher's. */
  ports: InfraPorts;
  meiliMasterKey: string;
  /**
   * Where DATABASE_URL, MEILI_URL, TEMPORAL_ADDRESS and SMTP_HOST (with SMTP_PORT) are looked up; a given one means
   * "use it, don't start one".
   */
  env?: NodeJS.ProcessEnv;
  /** Called as each service becomes ready. */
  onReady?: (service: InfraService) => void;
};

/** Uses the infrastructure the environment points at and starts the rest locally, all at once. */
export async function startInfra(options: InfraOptions): Promise<Infra> {
  const env = options.env ?? process.env;
  const services: InfraService[] = [];
  const ready = (service: InfraService) => {
    services.push(service);
    options.onReady?.(service);
    return service;
  };
  const stop = async () => {
    for (const service of [...services].reverse()) await service.process?.stop();
  };

  const postgres = async () => {
    if (env.DATABASE_URL) {
      await assertPostgres(env.DATABASE_URL);
      return ready({ name: "postgres", url: env.DATABASE_URL });
    }
    const process = await startPostgres({
      dataDir: join(options.dataDir, "postgres"),
      port: options.ports.postgres,
      logDir: options.logDir,
      user: DEFAULT_DATABASE_USER,
    });
    const admin = `postgres://${DEFAULT_DATABASE_USER}@127.0.0.1:${options.ports.postgres}/postgres`;
    await ensureDatabase(admin, DEFAULT_DATABASE_NAME);
    return ready({ name: "postgres", url: withDatabase(admin, DEFAULT_DATABASE_NAME), process });
  };

  const meilisearch = async () => {
    if (env.MEILI_URL) {
      if (!env.MEILI_MASTER_KEY)
        throw new MissingPrerequisite("MEILI_URL is set, so MEILI_MASTER_KEY must be set too.");
      const health = `${env.MEILI_URL.replace(/\/+$/, "")}/health`;
      const answer = await httpAnswers(health).then(
        (ok) => (ok ? undefined : "it answered, but not 200"),
        (error: unknown) => errorMessage(error),
      );
      if (answer) throw new MissingPrerequisite(`MEILI_URL=${env.MEILI_URL} does not answer /health: ${answer}.`);
      return ready({ name: "meilisearch", url: env.MEILI_URL });
    }
    const process = await startMeilisearch({
      dataDir: join(options.dataDir, "meilisearch"),
      port: options.ports.meilisearch,
      masterKey: options.meiliMasterKey,
      logDir: options.logDir,
    });
    return ready({ name: "meilisearch", url: `http://127.0.0.1:${options.ports.meilisearch}`, process });
  };

  const temporal = async () => {
    if (env.TEMPORAL_ADDRESS) {
      const [host = "", port = ""] = env.TEMPORAL_ADDRESS.split(":");
      if (!(await tcpAnswers(host, Number(port))))
        throw new MissingPrerequisite(`TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} does not accept connections.`);
      return ready({ name: "temporal", url: env.TEMPORAL_ADDRESS });
    }
    const process = await startTemporal({
      dataDir: join(options.dataDir, "temporal"),
      port: options.ports.temporal,
      ...(options.ports.temporalUi === undefined ? {} : { uiPort: options.ports.temporalUi }),
      logDir: options.logDir,
    });
    return ready({ name: "temporal", url: `127.0.0.1:${options.ports.temporal}`, process });
  };

  const smtpHost = env.SMTP_HOST?.trim();
  const smtpPort = smtpHost && env.SMTP_PORT?.trim() ? Number(env.SMTP_PORT) : options.ports.smtp;
  const mail = async () => {
    if (smtpHost) {
      if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65_535)
        throw new MissingPrerequisite(`SMTP_PORT=${env.SMTP_PORT} is not a port (1–65535).`);
      if (!(await tcpAnswers(smtpHost, smtpPort)))
        throw new MissingPrerequisite(
          `SMTP_HOST=${smtpHost} does not accept connections on port ${smtpPort} (SMTP_PORT). ` +
            "Fix them, or unset SMTP_HOST to use the local mail catcher.",
        );
      return ready({ name: "mail", url: `smtp://${smtpHost}:${smtpPort}` });
    }
    const process = await startMailCatcher({
      dataDir: options.dataDir,
      smtpPort: options.ports.smtp,
      webPort: options.ports.mailWeb,
      logDir: options.logDir,
    });
    return ready({ name: "mail", url: `smtp://127.0.0.1:${options.ports.smtp}`, process });
  };

  const results = await Promise.allSettled([postgres(), meilisearch(), temporal(), mail()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const url = (name: InfraName) => (services.find((s) => s.name === name) as InfraService).url;
  return {
    databaseUrl: url("postgres"),
    meiliUrl: url("meilisearch").replace(/\/+$/, ""),
    meiliMasterKey: env.MEILI_URL ? (env.MEILI_MASTER_KEY as string) : options.meiliMasterKey,
    temporalAddress: url("temporal"),
    ...(env.TEMPORAL_ADDRESS || options.ports.temporalUi === undefined
      ? {}
      : { temporalUiUrl: `http://127.0.0.1:${options.ports.temporalUi}` }),
    smtpHost: smtpHost || "127.0.0.1",
    smtpPort,
    ...(smtpHost ? {} : { mailWebUrl: `http://127.0.0.1:${options.ports.mailWeb}` }),
    services,
    stop,
  };
}

async function assertPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new MissingPrerequisite(`DATABASE_URL does not answer: ${(error as Error).message}`);
  } finally {
    // Closing a connection that never opened fails too; the error above is the one that matters.
    await client.end().catch(() => {});
  }
}
