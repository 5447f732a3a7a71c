import { describe, expect, it } from "vitest";
import { startTestApps } from "../../scripts/test/services.ts";

type Health = { status: string; services: Record<string, { ok: boolean; error?: string }> };

describe("community /health against the real stack", () => {
  it("reports the CMS, Meilisearch and Temporal all answering", async () => {
    const { env } = await startTestApps(["cms", "community"]);
    const response = await fetch(`${env.COMMUNITY_URL}/health`);
    const body = (await response.json()) as Health;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(body.status).toBe("ok");
    expect(Object.keys(body.services).sort()).toEqual(["cms", "meilisearch", "temporal"]);
    for (const [name, service] of Object.entries(body.services)) expect(service.ok, name).toBe(true);
  });

  it("turns degraded, naming the CMS, once the CMS is gone", async () => {
    const { env } = await startTestApps(["community"], { CMS_URL: "http://127.0.0.1:9" });
    const response = await fetch(`${env.COMMUNITY_URL}/health`);
    const body = (await response.json()) as Health;
    expect(response.status).toBe(503);
    expect(body.status).toBe("degraded");
    expect(body.services.cms?.ok).toBe(false);
    expect(body.services.cms?.error).toBeTruthy();
    expect(body.services.meilisearch?.ok).toBe(true);
    expect(body.services.temporal?.ok).toBe(true);
  });
});
