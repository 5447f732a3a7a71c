import { Writable } from "node:stream";
import { createLogger } from "@inkstone/config/logger";
import type { APIContext, MiddlewareNext } from "astro";
import { describe, expect, it } from "vitest";
import { currentRequest, failedWith } from "../src/lib/request-context.ts";
import { trustedProxies } from "../src/lib/security/client-address.ts";
import { requestMiddleware } from "../src/middleware/request.ts";

type Line = { level: number; msg: string; requestId: string; [field: string]: unknown };
const LEVELS = { debug: 20, info: 30, error: 50 };

function setup() {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Line);
      done();
    },
  });
  const log = createLogger("community", { level: "debug", nodeEnv: "production", destination });
  const middleware = requestMiddleware({ trustedProxies: () => trustedProxies(["10.0.0.0/8"]), log: () => log });
  const context = (path: string, peer: string, headers: Record<string, string> = {}) => {
    const request = new Request(`http://community.test${path}`, { headers });
    return { request, url: new URL(request.url), locals: {}, clientAddress: peer } as unknown as APIContext;
  };
  const run = async (ctx: APIContext, next: () => Promise<Response>) =>
    (await middleware(ctx, next as MiddlewareNext)) as Response;
  return { lines, context, run };
}

const ok = async () => new Response("ok");

describe("the request middleware", () => {
  it("gives each request an id, on locals and the response, and writes one line with method, path, status and ms", async () => {
    const { lines, context, run } = setup();
    const ctx = context("/en/", "203.0.113.7");
    const response = await run(ctx, ok);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.locals).toMatchObject({ requestId: id, clientAddress: "203.0.113.7" });
    expect(lines).toEqual([
      expect.objectContaining({ level: LEVELS.info, requestId: id, method: "GET", path: "/en/", status: 200 }),
    ]);
    expect(lines[0]?.ms).toBeTypeOf("number");
    expect(lines[0]?.msg).toMatch(/^GET \/en\/ 200 \d+ms$/);
    const again = await run(context("/en/", "203.0.113.7"), ok);
    expect(again.headers.get("x-request-id")).not.toBe(id);
  });

  it.each([
    ["a client's own id", "203.0.113.7", "client-chosen", false],
    ["a trusted proxy's id", "10.0.0.2", "edge-1234:abc", true],
    ["a trusted proxy's malformed id", "10.0.0.2", "bad id with spaces", false],
    ["a trusted proxy's over-long id", "10.0.0.2", "x".repeat(65), false],
  ])("takes %s only when a trusted proxy sends a well-formed one", async (_name, peer, offered, kept) => {
    const { context, run } = setup();
    const response = await run(context("/en/", peer, { "x-request-id": offered }), ok);
    expect(response.headers.get("x-request-id") === offered).toBe(kept);
  });

  it("charges rate limits to the address a trusted proxy names, and to the socket otherwise", async () => {
    const { context, run } = setup();
    const viaProxy = context("/api/comments", "10.0.0.2", { "x-forwarded-for": "1.1.1.1, 198.51.100.9" });
    await run(viaProxy, ok);
    const forged = context("/api/comments", "203.0.113.7", { "x-forwarded-for": "198.51.100.9" });
    await run(forged, ok);
    expect([viaProxy.locals.clientAddress, forged.locals.clientAddress]).toEqual(["198.51.100.9", "203.0.113.7"]);
  });

  it("logs health probes (a 503 included: a dependency is down) and static files at debug", async () => {
    const { lines, context, run } = setup();
    for (const path of ["/health", "/_astro/app.js", "/favicon.ico", "/en/"])
      await run(context(path, "203.0.113.7"), ok);
    await run(context("/health", "203.0.113.7"), async () => new Response("{}", { status: 503 }));
    await run(context("/health", "203.0.113.7"), async () => {
      throw new Error("health check crashed");
    });
    expect(lines.map((line) => [line.path, line.status, line.level])).toEqual([
      ["/health", 200, LEVELS.debug],
      ["/_astro/app.js", 200, LEVELS.debug],
      ["/favicon.ico", 200, LEVELS.debug],
      ["/en/", 200, LEVELS.info],
      ["/health", 503, LEVELS.debug],
      ["/health", 500, LEVELS.error],
    ]);
  });

  it("keeps each request's id apart while they overlap, for code deep inside (a CMS call)", async () => {
    const { context, run } = setup();
    const seen = async (gate: Promise<void>) => {
      let inside: string | undefined;
      const response = await run(context("/en/", "203.0.113.7"), async () => {
        await gate;
        inside = currentRequest()?.requestId;
        return new Response("ok");
      });
      return [inside, response.headers.get("x-request-id")];
    };
    const first = Promise.withResolvers<void>();
    const second = Promise.withResolvers<void>();
    const both = Promise.all([seen(first.promise), seen(second.promise)]);
    // The second finishes first, while the first is still in flight.
    second.resolve();
    first.resolve();
    const [slow, fast] = await both;
    expect(slow?.[0]).toBe(slow?.[1]);
    expect(fast?.[0]).toBe(fast?.[1]);
    expect(slow?.[0]).not.toBe(fast?.[0]);
    expect(currentRequest()).toBeUndefined();
  });

  it("logs a thrown error once with the 500, and lets Astro render its 500 page under the same id", async () => {
    const { lines, context, run } = setup();
    const ctx = context("/en/a/broken", "203.0.113.7");
    const failed = await run(ctx, async () => {
      throw new Error("template exploded");
    });
    expect([failed.status, failed.body]).toEqual([500, null]);
    const id = failed.headers.get("x-request-id");
    expect(lines).toEqual([
      expect.objectContaining({
        level: LEVELS.error,
        requestId: id,
        status: 500,
        err: expect.objectContaining({ message: "template exploded" }),
      }),
    ]);
    // Astro runs the middleware again, with the same Request, to render the 500 page.
    const page = await run(ctx, async () => new Response("<h1>500</h1>", { status: 500 }));
    expect(page.headers.get("x-request-id")).toBe(id);
    expect(lines).toHaveLength(1);
  });

  it("puts the error that code below answered for on the 5xx line", async () => {
    const { lines, context, run } = setup();
    await run(context("/en/queue", "203.0.113.7"), async () => {
      failedWith(new Error("Temporal is not answering"));
      return new Response("unavailable", { status: 503 });
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: LEVELS.error,
        status: 503,
        err: expect.objectContaining({ message: "Temporal is not answering" }),
      }),
    ]);
  });

  it("answers a redirect's immutable headers with a copy that carries the id", async () => {
    const { context, run } = setup();
    const response = await run(context("/", "203.0.113.7"), async () =>
      Response.redirect("http://community.test/en/", 302),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});
