import { randomUUID } from "node:crypto";
import { webhookHeaders } from "@inkstone/config/webhook";

/** A change event signed as the CMS signs it, with `secret`, ready to POST to /api/revalidate. */
export function signedEvent(
  secret: string,
  event: unknown,
  delivery = randomUUID(),
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  return { body, headers: { "content-type": "application/json", ...webhookHeaders(secret, body, delivery) } };
}
