import { CSP_DEFAULTS } from "@strapi/utils";
import { env as cmsEnv } from "../src/env.ts";
import { MAX_BYTES } from "../src/lib/uploads/limits.ts";
import { mediaOrigins } from "../src/lib/uploads/storage.ts";

/** The origins whose browsers may call the CMS with credentials: its own public URL and CMS_CORS_ORIGINS. */
function corsOrigins(): string[] {
  const env = cmsEnv();
  const own = new URL(env.CMS_PUBLIC_URL ?? env.CMS_URL).origin;
  return [...new Set([own, ...env.CMS_CORS_ORIGINS])];
}

/** img-src and media-src as Strapi sets them, plus where uploaded files are served from when that is elsewhere. */
function mediaDirectives(): Record<string, string[]> | undefined {
  const origins = mediaOrigins(cmsEnv());
  if (!origins.length) return undefined;
  return {
    "img-src": [...CSP_DEFAULTS["img-src"], ...origins],
    "media-src": [...CSP_DEFAULTS["media-src"], ...origins],
  };
}

export default () => [
  // First, so every later middleware and controller logs with the request's id.
  "global::request-id",
  "strapi::logger",
  "strapi::errors",
  // Inside strapi::errors, so it sees the raw error: a database outage answers 503, never 401/403/500.
  "global::database-outage",
  // The admin panel shows uploaded images from S3 (or its CDN) when they are kept there.
  { name: "strapi::security", config: { contentSecurityPolicy: { directives: mediaDirectives() } } },
  // Every path, /admin included: any other origin gets no CORS headers at all, so its pages cannot read answers.
  { name: "strapi::cors", config: { origin: corsOrigins(), credentials: true } },
  "strapi::poweredBy",
  "strapi::query",
  // Before anything reads the query: refuses control characters, bad encodings and ill-typed filters (400).
  "global::clean-query",
  // Drafts never leave through the content API, whatever the query asks.
  "global::published-only",
  // Uploads past their limit answer 413 before strapi::body writes them to a temporary file; broken ones 400.
  "global::multipart",
  // JSON is parsed by global::clean-body (byte limit on the stream, strict UTF-8); the rest as Strapi does, with
  // no file (nor several together) past the largest upload limit, however the body is sent.
  { name: "strapi::body", config: { json: false, formidable: { maxFileSize: MAX_BYTES.media } } },
  "global::clean-body",
  "strapi::session",
  "strapi::favicon",
  "strapi::public",
];
