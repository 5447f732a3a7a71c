import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testInfra } from "../../scripts/test/services.ts";
import { checkHealth } from "../src/lib/health.ts";

// The aggregation logic against real Meilisearch and Temporal, a stand-in CMS, and a server that never answers.
describe("checkHealth", () => {
  let cms: Server;
  let hanging: Server;
  const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    cms = createServer((req, res) => {
      res.statusCode = req.url === "/_health" ? 204 : 404;
      res.end();
    });
    hanging = createServer(() => {});
    await Promise.all([cms, hanging].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  });
  afterAll(() => {
    hanging.closeAllConnections();
    for (const server of [cms, hanging]) server.close();
  });

  it("is ok when every service answers", async () => {
    const { meiliUrl, temporalAddress } = testInfra();
    const health = await checkHealth({ cmsUrl: url(cms), meiliUrl, temporalAddress });
    expect(health.status).toBe("ok");
    expect(Object.values(health.services).every((s) => s.ok && s.latencyMs >= 0)).toBe(true);
  });

  it("names the service that does not answer in time, and the reason", async () => {
    const { meiliUrl, temporalAddress } = testInfra();
    const started = Date.now();
    const health = await checkHealth({ cmsUrl: url(hanging), meiliUrl, temporalAddress, timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(health.status).toBe("degraded");
    expect(health.services.cms).toMatchObject({ ok: false, error: "no answer within 500 ms" });
    expect(health.services.meilisearch.ok).toBe(true);
  });

  it("reports refused connections and a Temporal that is not there", async () => {
    const health = await checkHealth({
      cmsUrl: "http://127.0.0.1:9",
      meiliUrl: url(cms),
      temporalAddress: "127.0.0.1:9",
      timeoutMs: 1500,
    });
    expect(health.status).toBe("degraded");
    expect(health.services.cms.ok).toBe(false);
    expect(health.services.meilisearch).toMatchObject({ ok: false });
    expect(health.services.meilisearch.error).toContain("answered 404");
    expect(health.services.temporal.ok).toBe(false);
  });
});
