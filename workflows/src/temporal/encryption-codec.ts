// Run inputs, progress, checkpoints (source text) and results are encrypted before they reach Temporal, so its
// database and anyone reading histories without the keys (the Web UI, `temporal workflow show`) see ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DataConverter, Payload, PayloadCodec } from "@temporalio/common";

/** The `encoding` of an encrypted payload; anything else passes through decode untouched (written before encryption). */
export const ENCRYPTED_ENCODING = "binary/encrypted";
/** Metadata naming the key that encrypted a payload, so old payloads still decrypt after a new key takes over. */
export const KEY_ID_METADATA = "encryption-key-id";

/** One entry of TEMPORAL_CODEC_KEYS: an id and 32 random bytes in base64. */
export type CodecKey = { id: string; key: string };

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A payload that cannot be decrypted: an unknown key id, another key under a known id, or altered bytes. */
export class PayloadDecryptionError extends Error {
  override name = "PayloadDecryptionError";
}

/**
 * AES-256-GCM over the whole payload (metadata and data). The first key encrypts; every key decrypts the payloads
 * that name its id. Each payload gets a fresh random IV; the key id is authenticated with it.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #current: { id: string; key: Buffer };
  readonly #keys = new Map<string, Buffer>();

  constructor(keys: readonly CodecKey[]) {
    for (const { id, key } of keys) {
      const bytes = Buffer.from(key, "base64");
      if (bytes.length !== 32)
        throw new Error(`TEMPORAL_CODEC_KEYS: key ${JSON.stringify(id)} is ${bytes.length} bytes, expected 32`);
      if (this.#keys.has(id)) throw new Error(`TEMPORAL_CODEC_KEYS: key id ${JSON.stringify(id)} is listed twice`);
      this.#keys.set(id, bytes);
    }
    const [first] = keys;
    if (!first) throw new Error("TEMPORAL_CODEC_KEYS lists no key: runs cannot be encrypted");
    this.#current = { id: first.id, key: this.#keys.get(first.id) as Buffer };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.#encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.#decrypt(payload));
  }

  #encrypt(payload: Payload): Payload {
    const { id, key } = this.#current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(utf8.encode(id));
    const sealed = Buffer.concat([iv, cipher.update(serialise(payload)), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id) },
      data: sealed,
    };
  }

  #decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new PayloadDecryptionError(`an encrypted payload carries no ${KEY_ID_METADATA}`);
    const id = fromUtf8.decode(idBytes);
    const key = this.#keys.get(id);
    if (!key)
      throw new PayloadDecryptionError(
        `a payload was encrypted with key ${JSON.stringify(id)}, which TEMPORAL_CODEC_KEYS does not list ` +
          `(it has ${[...this.#keys.keys()].map((known) => JSON.stringify(known)).join(", ")}); ` +
          "add that key after the current one to read it",
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`an encrypted payload (key ${JSON.stringify(id)}) is too short to be one`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(0, IV_BYTES));
      decipher.setAAD(idBytes);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return deserialise(
        Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]),
      );
    } catch (error) {
      if (error instanceof PayloadDecryptionError) throw error;
      throw new PayloadDecryptionError(
        `a payload encrypted with key ${JSON.stringify(id)} did not decrypt: the key listed under that id is not ` +
          "the one that encrypted it, or the payload was altered",
      );
    }
  }
}

/** What a Temporal Client needs to read and write encrypted runs. */
export function encryptedDataConverter(keys: readonly CodecKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

// The plaintext inside the envelope: a 4-byte length, the metadata as JSON (values in base64), then the data bytes.
// Self-contained, so reading it back needs only this file and the key (no protobuf schema).
function serialise(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString("base64")]),
  );
  const head = Buffer.from(JSON.stringify(metadata), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  // Payloads from the workflow sandbox may hold their bytes in another realm's array type: copy them.
  return Buffer.concat([length, head, Buffer.from(payload.data ?? [])]);
}

function deserialise(bytes: Buffer): Payload {
  const length = bytes.readUInt32BE(0);
  const metadata = JSON.parse(bytes.subarray(4, 4 + length).toString("utf8")) as Record<string, string>;
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([name, value]) => [name, new Uint8Array(Buffer.from(value, "base64"))]),
    ),
    data: new Uint8Array(bytes.subarray(4 + length)),
  };
}
