import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApps, testInfra } from "../../scripts/test/services.ts";

// Two communities as `npm start` runs them, in front of a stand-in CMS that notes which request ids reach it: one
// reached directly (no TRUSTED_PROXIES), one behind a proxy on this machine (TRUSTED_PROXIES=127.0.0.1,::1).
let cms: Server;
const seenByCms: string[] = [];
let direct: string;
let proxied: string;

/** A sign-up with empty fields: charged to the address's sign-up bucket (10 at once), then refused as invalid. */
const signUp = (base: string, headers: Record<string, string>) =>
  fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { origin: base, accept: "application/json", "content-type": "application/json", ...headers },
    body: "{}",
  }).then((response) => response.status);

beforeAll(async () => {
  cms = createServer((req, res) => {
    const id = req.headers["x-request-id"];
    if (typeof id === "string") seenByCms.push(id);
    res.writeHead(req.url === "/_health" ? 204 : 503, { "content-type": "application/json" });
    res.end(req.url === "/_health" ? undefined : JSON.stringify({ error: { status: 503, message: "stand-in" } }));
  });
  await new Promise<void>((resolve) => cms.listen(0, "127.0.0.1", resolve));
  const CMS_URL = `http://127.0.0.1:${(cms.address() as AddressInfo).port}`;
  const [a, b] = await Promise.all([
    startTestApps(["community"], { CMS_URL }),
    startTestApps(["community"], { CMS_URL, TRUSTED_PROXIES: "127.0.0.1,::1" }),
  ]);
  direct = String(a.env.COMMUNITY_URL);
  proxied = String(b.env.COMMUNITY_URL);
});
afterAll(() => {
  cms?.closeAllConnections();
  cms?.close();
});

describe("the client address rate limits charge", () => {
  it("is the socket's when no proxy is trusted: a forged X-Forwarded-For does not change the bucket", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++)
      statuses.push(await signUp(direct, { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `198.51.100.${i}` }));
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
  });

  it("is the right-most untrusted address of X-Forwarded-For behind a trusted proxy", async () => {
    // Each client has its own bucket…
    const distinct: number[] = [];
    for (let i = 1; i <= 11; i++) distinct.push(await signUp(proxied, { "x-forwarded-for": `203.0.113.${i}` }));
    expect(distinct).toEqual(Array(11).fill(400));
    // …and what a client writes to the left of what the proxy appended does not get it a new one.
    const forged: number[] = [];
    for (let i = 1; i <= 11; i++)
      forged.push(await signUp(proxied, { "x-forwarded-for": `192.0.2.${i}, 198.51.100.200` }));
    expect(forged).toEqual([...Array(10).fill(400), 429]);
  });
});

describe("the request id", () => {
  it("is new for each request, unless a trusted proxy sent one, and reaches the response, the CMS and the log", async () => {
    const offered = `trace-${randomUUID()}`;
    const fromClient = await fetch(`${direct}/en/`, { headers: { "x-request-id": offered } });
    const own = fromClient.headers.get("x-request-id");
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
    const fromProxy = await fetch(`${proxied}/en/`, { headers: { "x-request-id": offered } });
    expect(fromProxy.headers.get("x-request-id")).toBe(offered);
    // Both pages needed the CMS (down here: 503), and told it whose request each call was for.
    expect([fromClient.status, fromProxy.status]).toEqual([503, 503]);
    expect(seenByCms).toEqual(expect.arrayContaining([own, offered]));

    // One JSON line for the request, with its id, method, path, status and time, and the CMS error behind the 503.
    const logFile = join(testInfra().logDir, "community.log");
    const line = () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .filter((text) => text.includes(offered) && text.startsWith("{"))
        .map((text) => JSON.parse(text) as Record<string, unknown>);
    await expect.poll(line).toHaveLength(1);
    expect(line()[0]).toMatchObject({
      service: "community",
      requestId: offered,
      method: "GET",
      path: "/en/",
      status: 503,
      ms: expect.any(Number),
      err: { type: "CmsError", message: expect.stringContaining("The CMS is not answering") },
    });
  });
});
