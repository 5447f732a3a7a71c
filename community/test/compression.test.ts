import { once } from "node:events";
import { brotliDecompressSync, createBrotliDecompress, gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { compressible, etagMatches, negotiate, variantEtag, varyOnEncoding } from "../src/lib/compression.ts";
import { compressResponse } from "../src/middleware/compression.ts";

const SITE = "https://community.example";
const big = (word = "inkstone ") => word.repeat(400);
const request = (headers: Record<string, string> = {}, method = "GET") =>
  new Request(`${SITE}/en/`, { method, headers });
const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe("Accept-Encoding negotiation", () => {
  it.each([
    [null, "identity"],
    ["", "identity"],
    ["br", "br"],
    ["gzip", "gzip"],
    ["x-gzip", "gzip"],
    ["gzip, deflate, br", "br"],
    ["gzip, deflate, br, zstd", "br"],
    ["GZIP, BR", "br"],
    ["deflate", "identity"],
    ["br;q=0, gzip", "gzip"],
    ["br;q=0, gzip;q=0", "identity"],
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["br;q=0.8, gzip;q=0.8", "br"],
    ["gzip;q=1.0, br;q=0.9", "gzip"],
    ["br ; q=0.1, gzip ; q=0.05", "br"],
    ["*", "br"],
    ["*;q=0", "identity"],
    ["*, br;q=0", "gzip"],
    ["gzip;q=0.5, *;q=0.9", "br"],
    ["identity", "identity"],
    ["identity;q=1, gzip;q=0.5", "identity"],
    ["identity;q=0.5, gzip;q=0.5", "gzip"],
    ["br;q=nonsense, gzip", "gzip"],
    ["br;q=2, gzip", "gzip"],
    [" , ,gzip", "gzip"],
  ])("%j → %s", (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});

describe("what is compressible", () => {
  it.each([
    ["text/html; charset=utf-8", true],
    ["application/json", true],
    ["application/rss+xml; charset=utf-8", true],
    ["application/xml", true],
    ["text/xml", true],
    ["text/plain", true],
    ["text/css", true],
    ["application/javascript", true],
    ["image/svg+xml", true],
    ["application/manifest+json", true],
    ["TEXT/HTML", true],
    ["image/png", false],
    ["font/woff2", false],
    ["text/event-stream", false],
    [null, false],
  ])("%s: %s", (type, expected) => {
    expect(compressible(type)).toBe(expected);
  });
});

describe("ETags and Vary", () => {
  it.each([
    ['"abc"', "br", '"abc-br"'],
    ['"abc"', "gzip", '"abc-gz"'],
    ['W/"abc"', "gzip", 'W/"abc-gz"'],
    ['"abc"', "identity", '"abc"'],
  ] as const)("%s as %s is %s", (etag, coding, expected) => {
    expect(variantEtag(etag, coding)).toBe(expected);
  });

  it("matches If-None-Match weakly, in lists and with *", () => {
    expect(etagMatches('"a-br"', '"a-br"')).toBe(true);
    expect(etagMatches('W/"a-br"', '"a-br"')).toBe(true);
    expect(etagMatches('"x", "a-br"', '"a-br"')).toBe(true);
    expect(etagMatches('"a"', '"a-br"')).toBe(false);
    expect(etagMatches("*", '"a"')).toBe(true);
    expect(etagMatches(null, '"a"')).toBe(false);
  });

  it("adds Accept-Encoding to Vary once, keeping what is there", () => {
    const headers = new Headers({ vary: "Cookie" });
    varyOnEncoding(headers);
    varyOnEncoding(headers);
    expect(headers.get("vary")).toBe("Cookie, Accept-Encoding");
    const star = new Headers({ vary: "*" });
    varyOnEncoding(star);
    expect(star.get("vary")).toBe("*");
  });
});

describe("compressing a response", () => {
  const html = (body: string, init: ResponseInit = {}) =>
    new Response(body, { ...init, headers: { "content-type": "text/html; charset=utf-8", ...init.headers } });

  it.each([
    ["br", (b: Buffer) => brotliDecompressSync(b)],
    ["gzip", (b: Buffer) => gunzipSync(b)],
  ] as const)("sends %s with Vary and a Content-Length when the body is all there", async (coding, decode) => {
    const response = await compressResponse(request({ "accept-encoding": coding }), html(big()));
    expect(response.headers.get("content-encoding")).toBe(coding);
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    const body = await bytes(response);
    expect(Number(response.headers.get("content-length"))).toBe(body.byteLength);
    expect(body.byteLength).toBeLessThan(big().length / 4);
    expect(decode(body).toString()).toBe(big());
  });

  it("compresses JSON, and suffixes an ETag so the variants never share one", async () => {
    const json = Response.json({ items: big() }, { headers: { etag: '"v1"' } });
    const response = await compressResponse(request({ "accept-encoding": "gzip" }), json);
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("etag")).toBe('"v1-gz"');
    expect(JSON.parse(gunzipSync(await bytes(response)).toString())).toEqual({ items: big() });
  });

  it("leaves small bodies, other types, HEAD, 204 and 304 alone (Vary still set for text)", async () => {
    const accept = { "accept-encoding": "br, gzip" };
    const small = await compressResponse(request(accept), html("<p>hi</p>"));
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(small.headers.get("content-length")).toBe("9");
    expect(small.headers.get("vary")).toBe("Accept-Encoding");
    expect(await small.text()).toBe("<p>hi</p>");
    const png = new Response(new Uint8Array(5000), { headers: { "content-type": "image/png" } });
    expect((await compressResponse(request(accept), png)).headers.get("content-encoding")).toBeNull();
    const head = await compressResponse(request(accept, "HEAD"), html(big()));
    expect(head.headers.get("content-encoding")).toBeNull();
    expect(head.headers.get("vary")).toBe("Accept-Encoding");
    for (const status of [204, 304]) {
      const empty = await compressResponse(
        request(accept),
        new Response(null, { status, headers: { "content-type": "text/html" } }),
      );
      expect(empty.status).toBe(status);
      expect(empty.headers.get("content-encoding")).toBeNull();
    }
    const identity = await compressResponse(request({ "accept-encoding": "br;q=0, gzip;q=0" }), html(big()));
    expect(identity.headers.get("content-encoding")).toBeNull();
    expect(await identity.text()).toBe(big());
  });

  it("never compresses twice", async () => {
    const encoded = new Response(new Uint8Array([1, 2, 3]), {
      headers: { "content-type": "text/html", "content-encoding": "br", vary: "Cookie" },
    });
    const response = await compressResponse(request({ "accept-encoding": "gzip" }), encoded);
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(response.headers.get("vary")).toBe("Cookie, Accept-Encoding");
    expect([...(await bytes(response))]).toEqual([1, 2, 3]);
  });

  it("streams a page that is still rendering, flushing what it has so the page does not stall", async () => {
    const encoder = new TextEncoder();
    let finish!: () => void;
    const rest = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const source = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(`<!doctype html><head>${big("head ")}</head>`));
        controller.enqueue(encoder.encode("<body>first part"));
        // The page now waits on the CMS.
        await rest;
        controller.enqueue(encoder.encode(`second part${big("tail ")}</body>`));
        controller.close();
      },
    });
    const page = new Response(source, { headers: { "content-type": "text/html" } });
    const response = await compressResponse(request({ "accept-encoding": "br" }), page);
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(response.headers.get("content-length")).toBeNull();
    const decoder = createBrotliDecompress();
    let seen = "";
    decoder.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
    });
    const reading = (async () => {
      for await (const chunk of response.body as ReadableStream<Uint8Array>) decoder.write(chunk);
      decoder.end();
      await once(decoder, "end");
    })();
    // Before the rest arrives, what was rendered is already readable.
    await vi.waitFor(() => expect(seen).toContain("first part"));
    expect(seen).not.toContain("second part");
    finish();
    await reading;
    expect(seen).toBe(`<!doctype html><head>${big("head ")}</head><body>first partsecond part${big("tail ")}</body>`);
  });
});
