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
] as const;

export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

const random = () => randomBytes(24).toString("base64url");

function generate(name: (typeof SECRET_NAMES)[number]): string {
  return name === "APP_KEYS" ? [random(), random(), random(), random()].join(",") : random();
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
