import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { ConfigError, variables, workerEnv } from "@inkstone/config";
import { createLogger } from "@inkstone/config/logger";
import type { Payload } from "@temporalio/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codecHandler } from "../src/temporal/codec-server.ts";
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from "../src/temporal/encryption-codec.ts";
import { listen } from "./support/http.ts";

const key = (id: string) => ({ id, key: randomBytes(32).toString("base64") });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString("utf8");
const jsonPayload = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from("json/plain") },
  data: Buffer.from(JSON.stringify(value)),
});
const SECRET_TOPIC = "Quiet harbour lullabies for lighthouse keepers";

describe("payload encryption", () => {
  it("encrypts every payload with the first key, names that key, and decrypts it back unchanged", async () => {
    const codec = new EncryptionCodec([key("k2"), key("k1")]);
    const original = jsonPayload({ topic: SECRET_TOPIC });
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[KEY_ID_METADATA])).toBe("k2");
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual(["encoding", KEY_ID_METADATA]);
    expect(text(encrypted?.data)).not.toContain("lighthouse");
    expect(text(encrypted?.data)).not.toContain("json/plain");
    // A fresh IV each time: the same value never encrypts to the same bytes.
    const [again] = await codec.encode([original]);
    expect(Buffer.from(again?.data ?? []).equals(Buffer.from(encrypted?.data ?? []))).toBe(false);

    const [decoded] = await codec.decode(encrypted ? [encrypted] : []);
    expect(text(decoded?.metadata?.encoding)).toBe("json/plain");
    expect(JSON.parse(text(decoded?.data))).toEqual({ topic: SECRET_TOPIC });
  });

  it("passes payloads that were never encrypted through decode", async () => {
    const codec = new EncryptionCodec([key("k1")]);
    const plain = jsonPayload("written before encryption was turned on");
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it("rotates: a payload from the old key decodes while that key is listed after the new one", async () => {
    const oldKey = key("2024");
    const newKey = key("2025");
    const [fromOld] = await new EncryptionCodec([oldKey]).encode([jsonPayload({ n: 1 })]);
    if (!fromOld) throw new Error("nothing encoded");

    const rotated = new EncryptionCodec([newKey, oldKey]);
    const [decoded] = await rotated.decode([fromOld]);
    expect(JSON.parse(text(decoded?.data))).toEqual({ n: 1 });
    const [fromNew] = await rotated.encode([jsonPayload({ n: 2 })]);
    expect(text(fromNew?.metadata?.[KEY_ID_METADATA])).toBe("2025");

    // The old key dropped too early: a clear error naming the missing id and what to do.
    const error = await new EncryptionCodec([newKey]).decode([fromOld]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as Error).message).toBe(
      'a payload was encrypted with key "2024", which TEMPORAL_CODEC_KEYS does not list (it has "2025"); add that key after the current one to read it',
    );
  });

  it("refuses a payload under a known id but another key, or with altered bytes", async () => {
    const [encrypted] = await new EncryptionCodec([key("k1")]).encode([jsonPayload("x")]);
    if (!encrypted?.data) throw new Error("nothing encoded");
    await expect(new EncryptionCodec([key("k1")]).decode([encrypted])).rejects.toThrow(
      /key "k1" did not decrypt: the key listed under that id is not the one that encrypted it, or the payload was altered/,
    );
    const codec = new EncryptionCodec([key("k1")]);
    const [good] = await codec.encode([jsonPayload("x")]);
    const altered = Buffer.from(good?.data ?? []);
    altered[20] = (altered[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...good, data: altered }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    // The key id is authenticated: relabelling a payload with another listed id does not pass either.
    const two = new EncryptionCodec([key("a"), key("b")]);
    const [labelled] = await two.encode([jsonPayload("x")]);
    const relabelled = { ...labelled, metadata: { ...labelled?.metadata, [KEY_ID_METADATA]: Buffer.from("b") } };
    await expect(two.decode([relabelled])).rejects.toBeInstanceOf(PayloadDecryptionError);
  });

  it("validates TEMPORAL_CODEC_KEYS with a message that names the problem and never the key", () => {
    const good = key("k1");
    expect(variables.TEMPORAL_CODEC_KEYS.parse(` ${good.id}:${good.key} , k0:${key("k0").key}`)).toHaveLength(2);
    const issues = (value: string | undefined) => {
      try {
        workerEnv({
          CMS_WORKER_TOKEN: "w".repeat(32),
          MEILI_SEARCH_KEY: "q".repeat(16),
          COMMUNITY_WEBHOOK_SECRET: "s".repeat(32),
          ...(value === undefined ? {} : { TEMPORAL_CODEC_KEYS: value }),
        });
      } catch (error) {
        if (error instanceof ConfigError) return error.issues.join("\n");
        throw error;
      }
      return "";
    };
    expect(issues(undefined)).toMatch(/^TEMPORAL_CODEC_KEYS: must be set .*openssl rand -base64 32/);
    const short = issues("k1:c2hvcnQta2V5");
    expect(short).toMatch(/entry 1 is not id:key .* a key of 32 bytes in base64/);
    expect(short).not.toContain("c2hvcnQta2V5");
    expect(issues(`k1:${good.key},k1:${key("x").key}`)).toMatch(/key id "k1" is listed twice/);
    expect(issues(`${good.id}:${good.key}`)).toBe("");
  });
});

describe("codec endpoint", () => {
  const TOKEN = "codec-token-".padEnd(40, "x");
  const UI = "http://ui.example.test:8233";
  const keys = [key("k1")];
  const codec = new EncryptionCodec(keys);
  const logged: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const logger = createLogger("worker", { level: "warn", nodeEnv: "production", destination });
    server = await listen(codecHandler({ codec, token: TOKEN, uiUrl: `${UI}/namespaces`, logger }));
  });
  afterAll(() => server?.close());

  const wire = (payload: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString("base64")]),
    ),
    data: Buffer.from(payload.data ?? []).toString("base64"),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const encryptedTopic = async () => {
    const [encrypted] = await codec.encode([jsonPayload({ topic: SECRET_TOPIC })]);
    if (!encrypted) throw new Error("nothing encoded");
    return { payloads: [wire(encrypted)] };
  };

  it("answers 401 without the token or with a wrong one, and asks a browser to sign in", async () => {
    const body = await encryptedTopic();
    const none = await post("/decode", body);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await post("/decode", body, { authorization: `Bearer ${TOKEN.slice(0, -1)}y` });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain("lighthouse");
    const wrongBasic = await post("/decode", body, {
      authorization: `Basic ${Buffer.from("operator:not-the-token").toString("base64")}`,
    });
    expect(wrongBasic.status).toBe(401);
    expect((await fetch(`${server.url}/`)).status).toBe(401);
  });

  it("decodes and encodes for the right token, as Bearer or as a Basic password, also under /<namespace>/", async () => {
    const decoded = await post("/decode", await encryptedTopic(), bearer);
    expect(decoded.status).toBe(200);
    const { payloads } = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0]?.metadata.encoding ?? "", "base64").toString()).toBe("json/plain");
    expect(JSON.parse(Buffer.from(payloads[0]?.data ?? "", "base64").toString())).toEqual({ topic: SECRET_TOPIC });

    const basic = { authorization: `Basic ${Buffer.from(`operator:${TOKEN}`).toString("base64")}` };
    expect((await fetch(`${server.url}/`, { headers: basic })).status).toBe(200);
    const encoded = await post("/default/encode", { payloads: [wire(jsonPayload("from the UI"))] }, basic);
    expect(encoded.status).toBe(200);
    const back = await post("/default/decode", await encoded.json(), basic);
    const [payload] = ((await back.json()) as { payloads: { data: string }[] }).payloads;
    expect(JSON.parse(Buffer.from(payload?.data ?? "", "base64").toString())).toBe("from the UI");
    // Protobuf JSON omits an empty list: a call without arguments.
    const empty = await post("/decode", {}, bearer);
    expect([empty.status, await empty.json()]).toEqual([200, { payloads: [] }]);
  });

  it("explains what it cannot decode, refuses other shapes, and logs the decryption failure once", async () => {
    const [foreign] = await new EncryptionCodec([key("retired")]).encode([jsonPayload("x")]);
    if (!foreign) throw new Error("nothing encoded");
    const unknown = await post("/decode", { payloads: [wire(foreign)] }, bearer);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { code: "undecryptable", message: expect.stringContaining('key "retired"') },
    });
    expect(logged.filter((line) => line.includes('key \\"retired\\"'))).toHaveLength(1);
    expect((await post("/decode", { payloads: "nope" }, bearer)).status).toBe(400);
    expect((await post("/elsewhere", { payloads: [] }, bearer)).status).toBe(404);
    const form = await fetch(`${server.url}/decode`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/x-www-form-urlencoded" },
      body: "payloads=1",
    });
    expect(form.status).toBe(415);
  });

  it("lets the Web UI's origin call with credentials, answers its preflight, and gives other origins nothing", async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: "OPTIONS",
      headers: {
        origin: UI,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-namespace",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(UI);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/content-type/);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/x-namespace/);

    const fromUi = await post("/decode", await encryptedTopic(), { ...bearer, origin: UI, "x-namespace": "default" });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get("access-control-allow-origin")).toBe(UI);
    expect(fromUi.headers.get("access-control-allow-credentials")).toBe("true");
    // The UI sees why it was refused, too.
    const unsigned = await post("/decode", await encryptedTopic(), { origin: UI });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("access-control-allow-origin")).toBe(UI);

    const other = "https://evil.example";
    const otherPreflight = await fetch(`${server.url}/decode`, {
      method: "OPTIONS",
      headers: { origin: other, "access-control-request-method": "POST" },
    });
    expect(otherPreflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(otherPreflight.headers.get("access-control-allow-credentials")).toBeNull();
    const fromOther = await post("/decode", await encryptedTopic(), { ...bearer, origin: other });
    expect(fromOther.status).toBe(403);
    expect(fromOther.headers.get("access-control-allow-origin")).toBeNull();
    expect(JSON.stringify(await fromOther.json())).not.toContain("lighthouse");
  });
});
