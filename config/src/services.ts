import type { z } from "zod";
import { ConfigError, type EnvSource, parseEnv } from "./parse-env.ts";
import { type VariableName, type Variables, variables } from "./variables.ts";

function pick<K extends VariableName>(keys: readonly K[]): Pick<Variables, K> {
  return Object.fromEntries(keys.map((key) => [key, variables[key]])) as Pick<Variables, K>;
}

/** The variables each service reads; the launcher passes exactly these to each child. */
export const SERVICE_VARIABLES = {
  cms: [
    "NODE_ENV",
    "LOG_LEVEL",
    "DATABASE_URL",
    "DATABASE_POOL_MAX",
    "CMS_HOST",
    "CMS_PORT",
    "CMS_URL",
    "CMS_PUBLIC_URL",
    "CMS_CORS_ORIGINS",
    "CMS_PUBLIC_DIR",
    "UPLOAD_S3_BUCKET",
    "UPLOAD_S3_REGION",
    "UPLOAD_S3_ENDPOINT",
    "UPLOAD_S3_ACCESS_KEY_ID",
    "UPLOAD_S3_SECRET_ACCESS_KEY",
    "UPLOAD_S3_PUBLIC_URL",
    "APP_KEYS",
    "API_TOKEN_SALT",
    "ADMIN_JWT_SECRET",
    "TRANSFER_TOKEN_SALT",
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "MEILI_URL",
    "MEILI_INDEX_PREFIX",
    "MEILI_ADMIN_KEY",
    "CMS_COMMUNITY_TOKEN",
    "CMS_WORKER_TOKEN",
    "COMMUNITY_URL",
    "COMMUNITY_INTERNAL_URL",
    "COMMUNITY_WEBHOOK_SECRET",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "SEED_DEMO_CONTENT",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_SECURE",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "MAIL_FROM",
    "MAIL_DIGEST_CHECK_SECONDS",
    "MEMBER_EMAIL_VERIFICATION",
  ],
  community: [
    "NODE_ENV",
    "LOG_LEVEL",
    "COMMUNITY_HOST",
    "COMMUNITY_PORT",
    "COMMUNITY_URL",
    "CMS_URL",
    "CMS_PUBLIC_URL",
    "MEILI_URL",
    "MEILI_INDEX_PREFIX",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_CODEC_KEYS",
    "MEILI_SEARCH_KEY",
    "CMS_COMMUNITY_TOKEN",
    "COMMUNITY_WEBHOOK_SECRET",
    "COMMUNITY_SESSION_SECRET",
    "GENERATION_QUOTA",
    "ASK_QUOTA",
    "TRUSTED_PROXIES",
    "COMMUNITY_DATABASE_URL",
    // The /write form checks source URLs by the worker's rule, and offers web search only when the worker has a
    // provider (it reads whether these are set, never uses them).
    "FETCH_ALLOW_PRIVATE",
    "SEARXNG_URL",
    "SERPER_API_KEY",
  ],
  worker: [
    "NODE_ENV",
    "LOG_LEVEL",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "GENERATION_CONCURRENCY",
    "WORKER_METRICS_PORT",
    "COMMUNITY_URL",
    "COMMUNITY_INTERNAL_URL",
    "COMMUNITY_WEBHOOK_SECRET",
    "CMS_URL",
    "CMS_WORKER_TOKEN",
    "MEILI_URL",
    "MEILI_INDEX_PREFIX",
    "MEILI_SEARCH_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_MODEL",
    "OPENAI_OUTLINE_MODEL",
    "OPENAI_WRITE_MODEL",
    "SEARXNG_URL",
    "SERPER_API_KEY",
    "SERPER_URL",
    "FETCH_ALLOW_PRIVATE",
    "FETCH_TIMEOUT_MS",
    "FETCH_MAX_BYTES",
    "TEMPORAL_CODEC_KEYS",
    "TEMPORAL_CODEC_PORT",
    "TEMPORAL_CODEC_TOKEN",
    "TEMPORAL_UI_URL",
  ],
  site: ["SITE_PORT", "SITE_URL", "COMMUNITY_URL"],
  launcher: [
    "LOG_LEVEL",
    "DATA_DIR",
    "POSTGRES_PORT",
    "MEILI_PORT",
    "TEMPORAL_PORT",
    "TEMPORAL_UI_PORT",
    "CMS_PORT",
    "COMMUNITY_PORT",
    "SITE_PORT",
    "SMTP_HOST",
    "SMTP_PORT",
    "MAIL_WEB_PORT",
    "LOCAL_MODEL",
    "LOCAL_MODEL_PORT",
  ],
} as const satisfies Record<string, readonly VariableName[]>;

type Env<K extends VariableName> = z.infer<z.ZodObject<Pick<Variables, K>>>;

export type CmsEnv = Env<(typeof SERVICE_VARIABLES.cms)[number]>;
export type CommunityEnv = Env<(typeof SERVICE_VARIABLES.community)[number]>;
export type WorkerEnv = Env<(typeof SERVICE_VARIABLES.worker)[number]>;
export type SiteEnv = Env<(typeof SERVICE_VARIABLES.site)[number]>;
export type LauncherEnv = Env<(typeof SERVICE_VARIABLES.launcher)[number]>;

/** The CMS's environment; throws a ConfigError naming every bad variable. */
export const cmsEnv = (source?: EnvSource): CmsEnv => {
  const parsed = parseEnv("cms", pick(SERVICE_VARIABLES.cms), source);
  // Confirmation links travel by mail: requiring them with nowhere to send them would lock every new member out.
  if (parsed.MEMBER_EMAIL_VERIFICATION === "required" && !parsed.SMTP_HOST)
    throw new ConfigError("cms", [
      "MEMBER_EMAIL_VERIFICATION: required needs SMTP_HOST, the server that sends the confirmation links (set SMTP_HOST, or MEMBER_EMAIL_VERIFICATION=off)",
    ]);
  return parsed;
};

/** The community's environment; throws a ConfigError naming every bad variable. */
export const communityEnv = (source?: EnvSource): CommunityEnv =>
  parseEnv("community", pick(SERVICE_VARIABLES.community), source);

/** The generation worker's environment; throws a ConfigError naming every bad variable. */
export const workerEnv = (source?: EnvSource): WorkerEnv => parseEnv("worker", pick(SERVICE_VARIABLES.worker), source);

/** The docs site's build-time environment; throws a ConfigError naming every bad variable. */
export const siteEnv = (source?: EnvSource): SiteEnv => parseEnv("site", pick(SERVICE_VARIABLES.site), source);

/** `npm start`'s own settings: where data lives and the ports of what it starts. */
export const launcherEnv = (source?: EnvSource): LauncherEnv =>
  parseEnv("npm start", pick(SERVICE_VARIABLES.launcher), source);
