import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const keys = new Map<string, Buffer>();

/** A 256-bit key for `purpose`, derived from `secret` with HKDF-SHA256 (one key per purpose, never the secret). */
function keyFor(secret: string, purpose: string): Buffer {
  const id = `${purpose}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "inkstone-community", `inkstone ${purpose} v1`, 32));
    keys.set(id, key);
  }
  return key;
}

/** Encrypts and authenticates `value` (AES-256-GCM): base64url of iv ‖ ciphertext ‖ tag. */
export function seal(value: unknown, secret: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The value `seal` sealed with the same secret and purpose; undefined when tampered with, truncated or foreign. */
export function unseal(sealed: string, secret: string, purpose: string): unknown {
  try {
    const raw = Buffer.from(sealed, "base64url");
    if (raw.length < 12 + 16 + 1) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", keyFor(secret, purpose), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString("utf8"));
  } catch {
    // Tampered with, truncated, sealed with another secret or purpose: not ours, so it says nothing.
    return undefined;
  }
}
