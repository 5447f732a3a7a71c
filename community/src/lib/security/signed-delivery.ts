import { verifyWebhook, WEBHOOK_HEADERS } from "@inkstone/config/webhook";
import type { z } from "zod";
import { errorBody } from "../cms/errors.ts";
import { env } from "../env.ts";
import { Deliveries } from "./deliveries.ts";
import { readBody, utf8 } from "./input.ts";

/**
 * A signed server-to-server call (the CMS's change events, the worker's answer events): HMAC-SHA256 over the
 * timestamp and the raw body with COMMUNITY_WEBHOOK_SECRET, within five minutes, and a delivery id of its own, so
 * each delivery is acted on once (src/lib/security/deliveries.ts). Authenticated by that, not by Origin.
 */

const NO_STORE = { "cache-control": "no-store" };
/** What a sender puts in x-inkstone-delivery: a UUID, or any id of these characters. */
const DELIVERY_ID = /^[A-Za-z0-9_.:-]{8,128}$/;

/** A refusal as JSON, never cached. */
export const refuse = (status: number, code: string, message: string): Response =>
  Response.json(errorBody(code, message), { status, headers: NO_STORE });

/** A success as JSON, never cached. */
export const accepted = (data: unknown): Response => Response.json({ data }, { headers: NO_STORE });

export type SignedDelivery = {
  /** The body, parsed as JSON: the caller checks its shape. */
  json: unknown;
  delivery: string;
  /** The delivery's keys in the store of deliveries already acted on (its id and its signature). */
  keys: string[];
  timestamp: number;
};

/**
 * Reads and authenticates a signed delivery: 413 past `maxBytes`, 400 for a body that is not UTF-8 JSON or a missing
 * delivery id, 401 for a missing, wrong or expired signature. A Response is the refusal to send as is.
 */
export async function readSignedDelivery(
  request: Request,
  { maxBytes, what }: { maxBytes: number; what: string },
): Promise<SignedDelivery | Response> {
  const read = await readBody(request, maxBytes);
  if ("tooLarge" in read) return refuse(413, "too_large", `The ${what} is larger than ${maxBytes} bytes.`);
  const body = "bytes" in read ? utf8(read.bytes) : undefined;
  if (body === undefined) return refuse(400, "malformed", "The body could not be read as UTF-8 text.");
  const timestamp = request.headers.get(WEBHOOK_HEADERS.timestamp);
  const signature = request.headers.get(WEBHOOK_HEADERS.signature);
  if (!verifyWebhook({ secret: env().COMMUNITY_WEBHOOK_SECRET, timestamp, signature, body }))
    return refuse(
      401,
      "bad_signature",
      "Missing, wrong or expired signature: sign with COMMUNITY_WEBHOOK_SECRET, within five minutes.",
    );
  const delivery = request.headers.get(WEBHOOK_HEADERS.delivery) ?? "";
  if (!DELIVERY_ID.test(delivery))
    return refuse(
      400,
      "missing_delivery",
      `Send a unique ${WEBHOOK_HEADERS.delivery} header (8–128 letters, digits, '.', '_', ':' or '-') with each delivery.`,
    );
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Signed but not JSON: the sender's bug, answered as such.
    return refuse(400, "malformed", "The body is not JSON.");
  }
  return { json, delivery, keys: Deliveries.keys(delivery, signature ?? ""), timestamp: Number(timestamp) };
}

/** The first thing wrong with a body that is not the shape expected: `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue?.message ?? "unknown shape"}`;
}
