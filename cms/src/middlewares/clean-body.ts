import { errors } from "@strapi/utils";
import { badInput, checkBody } from "../lib/text.ts";

/** The largest JSON body accepted: a generated draft (200,000 characters of body, 50 sources) fits with room. */
export const JSON_LIMIT_BYTES = 2 * 1024 * 1024;

const PARSED_METHODS = new Set(["POST", "PUT", "PATCH"]);
const JSON_TYPES = ["application/json", "application/*+json", "application/csp-report"];

type Ctx = {
  method: string;
  set(header: string, value: string): void;
  req: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> };
  is(types: string[]): string | false | null;
  request: { body?: unknown };
};

/**
 * Past the limit a body is still read, and discarded, up to this much: a client gets its 413 once it has sent
 * the body, rather than a connection reset in the middle of sending it. Beyond it the connection is cut.
 */
const DRAIN_LIMIT_BYTES = 4 * JSON_LIMIT_BYTES;

/**
 * Reads the body counting the bytes that actually arrive, so a chunked body (no Content-Length) is held to the
 * same limit as a declared one; keeps nothing past the limit.
 */
async function readLimited(ctx: Ctx, limit: number): Promise<Buffer> {
  const tooLarge = (cut: boolean) => {
    // Cut short, the rest of the body is never read, so the connection cannot carry another request.
    if (cut) ctx.set("Connection", "close");
    return new errors.PayloadTooLargeError(`The request body is larger than ${Math.round(limit / 1024 / 1024)} MB.`);
  };
  const declared = Number(ctx.req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) throw tooLarge(true);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of ctx.req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    received += buffer.length;
    if (received > DRAIN_LIMIT_BYTES) throw tooLarge(true);
    if (received <= limit) chunks.push(buffer);
  }
  if (received > limit) throw tooLarge(false);
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** A JSON body, parsed strictly: valid UTF-8, an object or an array, within the limit; anything else 400 or 413. */
async function parseJson(ctx: Ctx): Promise<unknown> {
  // Read (within the limit) even a body that is refused: answering before it is read resets the connection.
  const bytes = await readLimited(ctx, JSON_LIMIT_BYTES);
  const encoding = String(ctx.req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity")
    throw badInput("body", `Content-Encoding ${encoding} is not accepted; send the JSON uncompressed`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    // TextDecoder's TypeError says only that decoding failed; the answer names the problem instead.
    throw badInput("body", "is not valid UTF-8");
  }
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badInput("body", `is not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== "object") throw badInput("body", "expected a JSON object or array");
  return value;
}

/**
 * Parses JSON bodies itself (strapi::body is configured to leave them), then refuses any body — JSON, form or
 * text — whose keys or strings hold control characters other than tab and line breaks, or lone surrogates.
 */
export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  if (PARSED_METHODS.has(ctx.method) && ctx.is(JSON_TYPES)) ctx.request.body = await parseJson(ctx);
  if (ctx.request.body !== undefined) checkBody(ctx.request.body);
  await next();
};
