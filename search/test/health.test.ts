import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testInfra } from "../../scripts/test/services.ts";
import { SearchError, searchHealth } from "../src/index.ts";

describe("searchHealth", () => {
  let notMeili: Server;
  let url: string;

  beforeAll(async () => {
    notMeili = createServer((request, response) => {
      if (request.url === "/health") response.writeHead(200, { "content-type": "application/json" });
      else response.writeHead(404);
      response.end(JSON.stringify({ status: "starting" }));
    });
    await new Promise<void>((resolve) => notMeili.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(notMeili.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    notMeili.close();
  });

  it("resolves when Meilisearch says it is available", async () => {
    await expect(searchHealth({ host: testInfra().meiliUrl })).resolves.toBeUndefined();
  });

  it("names what is wrong otherwise: its status, an unexpected answer, no answer", async () => {
    await expect(searchHealth({ host: url })).rejects.toThrow('Meilisearch says its status is "starting"');
    await expect(searchHealth({ host: `${url}/prefix` })).rejects.toThrow(`${url}/prefix/health answered 404`);
    const refused = await searchHealth({ host: "http://127.0.0.1:9" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SearchError);
    expect(refused).toMatchObject({ code: "search_unavailable", retryable: true });
    expect((refused as Error).message).toContain("Meilisearch at http://127.0.0.1:9 cannot be reached");
  });
});
