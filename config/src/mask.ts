/**
 * What must never be printed: the password inside any URL (`postgres://inkstone:secret@db/…`, as DATABASE_URL may
 * carry it) and the values of secret variables (tokens, keys, salts, passwords), wherever they turn up in a line —
 * an error message that quotes a connection string, a stack trace, a status row.
 */

const PASSWORD_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"<>]*):([^\s@/'"<>]+)@/gi;
/** Variables whose names say they hold a secret (OPENAI_API_KEY, CMS_WORKER_TOKEN, ADMIN_PASSWORD, APP_KEYS…). */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|KEYS?|SALT)$/;
/** Shorter values would mask ordinary words; every secret we generate or require is longer. */
const MIN_SECRET_LENGTH = 8;
export const MASK = "***";

/** The values of the secret variables in `env` (each item of a comma-separated list, too), longest first. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    for (const part of [value, ...value.split(",")]) {
      const trimmed = part.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed);
    }
  }
  // Longest first, so a list is masked whole before its items are.
  return [...values].sort((a, b) => b.length - a.length);
}

/** `text` with every URL's password and every secret value replaced by ***. */
export function maskSecrets(text: string, secrets: readonly string[] = secretValues()): string {
  let masked = text.replace(PASSWORD_IN_URL, `$1:${MASK}@`);
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
  return masked;
}
