import { createHmac } from "node:crypto";
import type { Core } from "@strapi/strapi";
import { env } from "../env.ts";

/** What changed, so the community can drop exactly the cached pages that show it. */
export type ChangeEvent =
  | {
      model: "article";
      event: "publish" | "unpublish" | "update" | "delete";
      documentId: string;
      locale: string | null;
    }
  | { model: "comment"; event: "create" | "update" | "delete" | "hide"; articleDocumentId: string; locale: string };

export const SIGNATURE_HEADER = "x-inkstone-signature";
export const TIMESTAMP_HEADER = "x-inkstone-timestamp";

/** HMAC-SHA256 over `${timestamp}.${body}`: the timestamp is signed too, so a captured call cannot be replayed later. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Tells the community which cached pages to refresh. Best effort after the change committed: caches also expire
 * by themselves, so a community that is down loses nothing but freshness. Three tries, then a warning.
 */
export function notifyCommunity(strapi: Core.Strapi, event: ChangeEvent): void {
  const { COMMUNITY_URL, COMMUNITY_WEBHOOK_SECRET: secret } = env();
  const url = `${COMMUNITY_URL}/api/revalidate`;
  const body = JSON.stringify(event);
  const attempt = async (n: number): Promise<void> => {
    const timestamp = String(Date.now());
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: sign(secret, timestamp, body),
          [TIMESTAMP_HEADER]: timestamp,
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok && response.status >= 500) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (n < 3) {
        setTimeout(() => void attempt(n + 1), 500 * 2 ** n).unref();
        return;
      }
      strapi.log.warn(
        `Could not tell the community to refresh (${(error as Error).message}); its cache will expire on its own.`,
      );
    }
  };
  void attempt(1);
}
