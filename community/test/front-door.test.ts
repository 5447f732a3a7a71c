import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStaticAssets } from "../server/static-assets.ts";
import type { CachedPage } from "../src/lib/cache/page-cache.ts";
import { SwrCache } from "../src/lib/cache/swr.ts";
import { compressBytes } from "../src/lib/compression.ts";
import { frontDoor } from "../src/middleware/front-door.ts";

type Door = (request: IncomingMessage, response: ServerResponse) => boolean;

/** A real HTTP server asking `door` first; what it declines is answered 599, so a test sees it fell through. */
async function serve(door: Door) {
  const server = createServer((request, response) => {
    if (!door(request, response)) response.writeHead(599).end("fell through");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the front door: fresh page-cache hits answered before Astro", () => {
  let clock = 0;
  const cache = new SwrCache<CachedPage>({ freshMs: 60_000, staleMs: 600_000, now: () => clock });
  let bypass = false;
  let server: Awaited<ReturnType<typeof serve>>;
  const html = "<!DOCTYPE html><title>cached</title>".padEnd(4000, " ");
  beforeAll(async () => {
    const body = new TextEncoder().encode(html);
    const page: CachedPage = {
      body,
      contentType: "text/html; charset=utf-8",
      etag: '"page-etag"',
      variants: { br: await compressBytes(body, "br"), gzip: await compressBytes(body, "gzip") },
    };
    for (const key of ["/en/a/cached", "/en/?page=2"])
      await cache.refresh(key, async () => ({ value: page, tags: ["list:en"] }));
    server = await serve(frontDoor(cache, () => bypass));
  });
  afterAll(() => server?.close());
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.base}${path}`, { headers });

  it("serves a fresh hit with the page's headers, in the coding asked for, and 304 for the variant held", async () => {
    const plain = await get("/en/a/cached", { "accept-encoding": "identity" });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe(html);
    expect(plain.headers.get("x-cache")).toBe("HIT");
    expect(plain.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(plain.headers.get("vary")).toBe("Cookie, Accept-Encoding");
    expect(plain.headers.get("cache-control")).toMatch(/^public/);

    const br = await fetch(`${server.base}/en/a/cached`, { headers: { "accept-encoding": "br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(await br.text()).toBe(html);
    const etag = br.headers.get("etag") ?? "";
    expect(etag).not.toBe(plain.headers.get("etag"));
    const again = await get("/en/a/cached", { "accept-encoding": "br", "if-none-match": etag });
    expect([again.status, await again.text()]).toEqual([304, ""]);
    expect((await get("/en/?page=2", { "accept-encoding": "gzip" })).headers.get("content-encoding")).toBe("gzip");
  });

  it.each([
    ["a session cookie", "/en/a/cached", { cookie: "inkstone_session=abc" }],
    ["a pending form message", "/en/a/cached", { cookie: "theme=dark; inkstone_flash=x" }],
    ["any query but ?page=N", "/en/a/cached?utm_source=x", {}],
    ["a page not cached", "/en/a/other", {}],
    ["a path outside the pages", "/api/comments", {}],
  ])("lets Astro answer a request with %s", async (_name, path, headers) => {
    expect((await get(path, headers)).status).toBe(599);
  });

  it("lets Astro answer other methods, stale pages (Astro refreshes them), and everything while bypassed", async () => {
    expect((await fetch(`${server.base}/en/a/cached`, { method: "POST" })).status).toBe(599);
    bypass = true;
    expect((await get("/en/a/cached")).status).toBe(599);
    bypass = false;
    clock += 61_000;
    expect((await get("/en/a/cached")).status).toBe(599);
  });
});

describe("static text files, compressed once at start-up", () => {
  const dir = mkdtempSync(join(tmpdir(), "inkstone-static-"));
  const css = `body { color: black; }\n${".rule { margin: 0 }\n".repeat(200)}`;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    mkdirSync(join(dir, "_astro"));
    writeFileSync(join(dir, "_astro", "site.abc123.css"), css);
    writeFileSync(join(dir, "tiny.svg"), "<svg/>");
    writeFileSync(join(dir, "photo.png"), Buffer.alloc(4000));
    server = await serve(await loadStaticAssets(dir));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends brotli or gzip as accepted, cacheable for a year under /_astro/, with 304 per variant", async () => {
    const url = `${server.base}/_astro/site.abc123.css`;
    const br = await fetch(url, { headers: { "accept-encoding": "br, gzip" } });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(await br.text()).toBe(css);
    const gzip = await fetch(url, { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    expect(Number(gzip.headers.get("content-length"))).toBeLessThan(css.length / 4);
    const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect([plain.headers.get("content-encoding"), await plain.text()]).toEqual([null, css]);
    const held = await fetch(url, {
      headers: { "accept-encoding": "br", "if-none-match": br.headers.get("etag") ?? "" },
    });
    expect(held.status).toBe(304);
  });

  it("leaves small files, binary files and unknown paths to Astro's static handler", async () => {
    for (const path of ["/tiny.svg", "/photo.png", "/_astro/missing.css"])
      expect((await fetch(`${server.base}${path}`)).status).toBe(599);
  });

  it("decodes to the same bytes in each coding", async () => {
    // Node's http client would decode for us; a raw request shows what was actually sent.
    const { request } = await import("node:http");
    const bytes = (encoding: string) =>
      new Promise<Buffer>((resolve, reject) => {
        request(`${server.base}/_astro/site.abc123.css`, { headers: { "accept-encoding": encoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve(Buffer.concat(chunks)));
        })
          .on("error", reject)
          .end();
      });
    expect(brotliDecompressSync(await bytes("br")).toString()).toBe(css);
    expect(gunzipSync(await bytes("gzip")).toString()).toBe(css);
  });
});
