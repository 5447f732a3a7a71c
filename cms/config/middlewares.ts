import { env as cmsEnv } from "../src/env.ts";

/** The origins whose browsers may call the CMS with credentials: its own public URL and CMS_CORS_ORIGINS. */
function corsOrigins(): string[] {
  const env = cmsEnv();
  const own = new URL(env.CMS_PUBLIC_URL ?? env.CMS_URL).origin;
  return [...new Set([own, ...env.CMS_CORS_ORIGINS])];
}

export default () => [
  // First, so every later middleware and controller logs with the request's id.
  "global::request-id",
  "strapi::logger",
  "strapi::errors",
  // Inside strapi::errors, so it sees the raw error: a database outage answers 503, never 401/403/500.
  "global::database-outage",
  "strapi::security",
  // Every path, /admin included: any other origin gets no CORS headers at all, so its pages cannot read answers.
  { name: "strapi::cors", config: { origin: corsOrigins(), credentials: true } },
  "strapi::poweredBy",
  "strapi::query",
  // Before anything reads the query: refuses control characters, bad encodings and ill-typed filters (400).
  "global::clean-query",
  // Drafts never leave through the content API, whatever the query asks.
  "global::published-only",
  // JSON is parsed by global::clean-body (byte limit on the stream, strict UTF-8); the rest as Strapi does.
  { name: "strapi::body", config: { json: false } },
  "global::clean-body",
  "strapi::session",
  "strapi::favicon",
  "strapi::public",
];
