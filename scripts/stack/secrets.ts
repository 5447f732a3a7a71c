import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Secrets the local stack needs; a deployment sets them itself (see .env.example). */
export const SECRET_NAMES = [
  "APP_KEYS",
  "API_TOKEN_SALT",
  "ADMIN_JWT_SECRET",
  "TRANSFER_TOKEN_SALT",
  "JWT_SECRET",
  "ENCRYPTION_KEY",
  "MEILI_MASTER_KEY",
  "CMS_COMMUNITY_TOKEN",
  "CMS_WORKER_TOKEN",
  "COMMUNITY_WEBHOOK_SECRET",
  "COMMUNITY_SESSION_SECRET",
  "ADMIN_PASSWORD",
  "TEMPORAL_CODEC_KEYS",
] as const;

export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

const random = (bytes = 24) => randomBytes(bytes).toString("base64url");

function generate(name: (typeof SECRET_NAMES)[number]): string {
  if (name === "APP_KEYS") return [random(), random(), random(), random()].join(",");
  // Strapi's password rule wants upper and lower case letters and a digit; the prefix guarantees all three.
  if (name === "ADMIN_PASSWORD") return `Ink0${random(12)}`;
  // API tokens: Strapi's own are 128 hex characters; ours are as strong in fewer.
  if (name.endsWith("_TOKEN")) return random(48);
  // One AES-256 key (32 bytes, base64) with its id; a deployment rotates by putting a new key in front.
  if (name === "TEMPORAL_CODEC_KEYS") return `k1:${randomBytes(32).toString("base64")}`;
  return random();
}

/**
 * Secrets from the environment where set, otherwise generated once and kept in `file` (mode 600),
 * so sessions, tokens and the search index survive restarts.
 */
export function loadSecrets(file: string, env: NodeJS.ProcessEnv = process.env): Secrets {
  const stored: Partial<Secrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  const secrets = {} as Secrets;
  for (const name of SECRET_NAMES) {
    const given = env[name]?.trim();
    if (given) {
      secrets[name] = given;
      continue;
    }
    if (!stored[name]) {
      stored[name] = generate(name);
      changed = true;
    }
    secrets[name] = stored[name];
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

/** Fresh secrets that are not stored anywhere (tests). */
export function ephemeralSecrets(): Secrets {
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, generate(name)])) as Secrets;
}
