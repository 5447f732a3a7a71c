import { randomUUID } from "node:crypto";
import type { ChangeEvent } from "@inkstone/config";
import { errorMessage, REQUEST_ID_HEADER } from "@inkstone/config/logger";
import { webhookHeaders } from "@inkstone/config/webhook";
import { env } from "../env.ts";
import { currentRequestId, log } from "./log.ts";

const TRIES = 3;

/**
 * Tells the community which cached pages to refresh. Best effort after the change committed: caches also expire
 * by themselves, so a community that is down loses nothing but freshness. Three tries, one delivery id across
 * them (so the community applies the event once), then a warning.
 */
export function notifyCommunity(event: ChangeEvent): void {
  const { COMMUNITY_URL, COMMUNITY_INTERNAL_URL, COMMUNITY_WEBHOOK_SECRET: secret } = env();
  // Inside a deployment the community may have an address of its own (compose: its proxy); links use COMMUNITY_URL.
  const url = `${COMMUNITY_INTERNAL_URL ?? COMMUNITY_URL}/api/revalidate`;
  const body = JSON.stringify(event);
  const delivery = randomUUID();
  const requestId = currentRequestId();
  const attempt = async (n: number): Promise<void> => {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          // Signed per try: the timestamp must be fresh for the community's replay window.
          ...webhookHeaders(secret, body, delivery),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      // A 4xx will not change on a retry: a wrong secret or URL, which an operator has to fix.
      if (!response.ok)
        log().warn(
          { delivery, status: response.status, event },
          `The community refused a refresh call (HTTP ${response.status}); check COMMUNITY_INTERNAL_URL (or COMMUNITY_URL) and COMMUNITY_WEBHOOK_SECRET.`,
        );
    } catch (error) {
      if (n < TRIES) {
        setTimeout(() => void attempt(n + 1), 500 * 2 ** n).unref();
        return;
      }
      log().warn(
        { delivery, event, error: errorMessage(error) },
        `Could not tell the community to refresh after ${TRIES} tries; its cache will expire on its own.`,
      );
    }
  };
  void attempt(1);
}
