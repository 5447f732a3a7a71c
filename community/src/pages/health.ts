import type { APIRoute } from "astro";
import { env } from "../lib/env.ts";
import { checkHealth } from "../lib/health.ts";

/** Whether the CMS, Meilisearch and Temporal answer: 200 when all do, 503 otherwise. Never cached. */
export const GET: APIRoute = async () => {
  const { CMS_URL, MEILI_URL, TEMPORAL_ADDRESS } = env();
  const health = await checkHealth({ cmsUrl: CMS_URL, meiliUrl: MEILI_URL, temporalAddress: TEMPORAL_ADDRESS });
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
};
