import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { APIContext, MiddlewareNext } from "astro";
import { describe, expect, it, vi } from "vitest";
import type { CachedPage } from "../src/lib/cache/page-cache.ts";
import { SwrCache } from "../src/lib/cache/swr.ts";
import { checkOrigin } from "../src/lib/security/origin.ts";
import { cacheMiddleware } from "../src/middleware/cache.ts";
import { originGuard } from "../src/middleware/origin.ts";

const SITE = "https://community.example";

function context(path: string, init: RequestInit = {}): APIContext {
  const request = new Request(`${SITE}${path}`, init);
  return { request, url: new URL(request.url), locals: { session: null, flash: null } } as unknown as APIContext;
}

describe("CSRF: the origin check", () => {
  const post = (headers: Record<string, string>, method = "POST") =>
    new Request(`${SITE}/api/comments`, { method, headers });

  it.each([
    ["a same-origin Origin", { origin: SITE }],
    ["a same-origin Referer when Origin is absent", { referer: `${SITE}/en/a/some-article` }],
  ])("lets through %s", (_name, headers) => {
    expect(checkOrigin(post(headers), SITE)).toEqual({ ok: true });
  });

  it.each([
    ["no Origin nor Referer", {}],
    ["another site's Origin", { origin: "https://evil.example" }],
    ["a look-alike host", { origin: "https://community.example.evil.example" }],
    ["the right host on another scheme", { origin: "http://community.example" }],
    ["the right host on another port", { origin: "https://community.example:8443" }],
    ["Origin: null (a sandboxed frame)", { origin: "null" }],
    ["another site's Referer", { referer: "https://evil.example/community.example" }],
    ["a cross-site Origin with a same-site Referer", { origin: "https://evil.example", referer: `${SITE}/en/` }],
  ])("refuses %s", (_name, headers) => {
    const verdict = checkOrigin(post(headers), SITE);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toBeTruthy();
  });

  it.each(["PUT", "DELETE", "PATCH"])("applies to %s too", (method) => {
    expect(checkOrigin(post({ origin: "https://evil.example" }, method), SITE).ok).toBe(false);
  });

  it("leaves GET alone", () => {
    expect(checkOrigin(new Request(`${SITE}/en/`, { headers: { origin: "https://evil.example" } }), SITE).ok).toBe(
      true,
    );
  });

  it("answers 403 with the reason (JSON for scripts, a page for browsers) and never reaches the endpoint", async () => {
    const guard = originGuard(() => SITE);
    let reached = false;
    const next = (async () => {
      reached = true;
      return new Response("ok");
    }) as MiddlewareNext;
    const asScript = (await guard(
      context("/api/comments", {
        method: "POST",
        headers: { origin: "https://evil.example", accept: "application/json" },
      }),
      next,
    )) as Response;
    expect(asScript.status).toBe(403);
    expect(await asScript.json()).toEqual({
      error: { code: "cross_origin", message: "Requests from https://evil.example cannot change anything here." },
    });
    const asBrowser = (await guard(
      context("/api/comments", { method: "POST", headers: { accept: "text/html" } }),
      next,
    )) as Response;
    expect(asBrowser.status).toBe(403);
    expect(asBrowser.headers.get("content-type")).toContain("text/html");
    expect(await asBrowser.text()).toContain("did not say which site it came from");
    expect(reached).toBe(false);
    const ok = (await guard(context("/api/comments", { method: "POST", headers: { origin: SITE } }), next)) as Response;
    expect(await ok.text()).toBe("ok");
    expect(reached).toBe(true);
  });

  it("exempts only the signed webhook", async () => {
    const guard = originGuard(() => SITE);
    const next = (async () => new Response("reached")) as MiddlewareNext;
    const webhook = (await guard(context("/api/revalidate", { method: "POST" }), next)) as Response;
    expect(await webhook.text()).toBe("reached");
    const lookalike = (await guard(context("/api/revalidate/x", { method: "POST" }), next)) as Response;
    expect(lookalike.status).toBe(403);
  });
});

describe("the page cache middleware", () => {
  const page = (body: string, init: { status?: number; cache?: boolean } = {}) => {
    let renders = 0;
    let fail: Error | undefined;
    const render = (ctx: APIContext): MiddlewareNext =>
      (async () => {
        renders++;
        if (fail) throw fail;
        if (init.cache !== false) ctx.locals.cache = { tags: ["article:1"] };
        return new Response(`${body} #${renders}`, {
          status: init.status ?? 200,
          headers: { "content-type": "text/html" },
        });
      }) as MiddlewareNext;
    return {
      render,
      get renders() {
        return renders;
      },
      failWith(error: Error | undefined) {
        fail = error;
      },
    };
  };
  const setup = () => {
    let t = 0;
    const cache = new SwrCache<CachedPage>({ freshMs: 1000, staleMs: 60_000, retryMs: 0, now: () => t });
    const middleware = cacheMiddleware({ cache, bypass: () => false });
    const get = async (
      p: ReturnType<typeof page>,
      path = "/en/a/x",
      headers: Record<string, string> = {},
      inspect?: (response: Response) => Promise<void>,
    ) => {
      const ctx = context(path, { headers });
      const response = (await middleware(ctx, p.render(ctx))) as Response;
      await inspect?.(response);
      return { response, text: await response.text(), state: response.headers.get("x-cache") };
    };
    return { cache, get, advance: (ms: number) => (t += ms) };
  };
  /** A page's raw bytes, as sent (compressed or not). */
  const fetchRaw = async (
    get: ReturnType<typeof setup>["get"],
    p: ReturnType<typeof page>,
    headers: Record<string, string>,
  ) => {
    let raw = Buffer.alloc(0);
    const reply = await get(p, "/en/a/x", headers, async (response) => {
      raw = Buffer.from(await response.clone().arrayBuffer());
    });
    return { response: reply.response, body: raw };
  };

  it("renders once, then serves from memory with CDN headers", async () => {
    const { get } = setup();
    const p = page("hello");
    expect(await get(p)).toMatchObject({ text: "hello #1", state: "MISS" });
    const hit = await get(p);
    expect(hit).toMatchObject({ text: "hello #1", state: "HIT" });
    expect(hit.response.headers.get("cache-control")).toMatch(/^public, .*s-maxage=\d+, stale-while-revalidate=\d+/);
    expect(hit.response.headers.get("vary")).toBe("Cookie, Accept-Encoding");
    expect(hit.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(p.renders).toBe(1);
  });

  it("compresses a page once when it stores it, and serves each coding with its own ETag, or 304", async () => {
    const { get } = setup();
    const p = page(`<p>${"a long page ".repeat(300)}</p>`);
    const stored = await get(p, "/en/a/x", { "accept-encoding": "br" });
    expect(stored.state).toBe("MISS");
    const replies = {
      br: await fetchRaw(get, p, { "accept-encoding": "gzip, deflate, br" }),
      gzip: await fetchRaw(get, p, { "accept-encoding": "gzip;q=1, br;q=0.5" }),
      identity: await fetchRaw(get, p, {}),
    };
    expect(p.renders).toBe(1);
    expect(brotliDecompressSync(replies.br.body).toString()).toBe(replies.identity.body.toString());
    expect(gunzipSync(replies.gzip.body).toString()).toBe(replies.identity.body.toString());
    for (const [coding, reply] of Object.entries(replies)) {
      const headers = reply.response.headers;
      expect(headers.get("content-encoding"), coding).toBe(coding === "identity" ? null : coding);
      expect(headers.get("vary"), coding).toBe("Cookie, Accept-Encoding");
      expect(Number(headers.get("content-length")), coding).toBe(reply.body.byteLength);
    }
    const etags = Object.values(replies).map((r) => r.response.headers.get("etag"));
    expect(new Set(etags).size).toBe(3);
    const again = await get(p, "/en/a/x", { "accept-encoding": "br", "if-none-match": String(etags[0]) });
    expect(again.response.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.response.headers.get("content-encoding")).toBeNull();
    // Another variant's ETag is not this one's.
    const other = await get(p, "/en/a/x", { "accept-encoding": "br", "if-none-match": String(etags[2]) });
    expect(other.response.status).toBe(200);
  });

  it("does not compress a page too small to gain from it", async () => {
    const { get } = setup();
    const p = page("tiny");
    await get(p);
    const hit = await fetchRaw(get, p, { "accept-encoding": "br" });
    expect(hit.response.headers.get("content-encoding")).toBeNull();
    expect(hit.body.toString()).toBe("tiny #1");
  });

  it("serves stale at once while one background render refreshes", async () => {
    const { cache, get, advance } = setup();
    const p = page("v");
    await get(p);
    advance(1500);
    expect(await get(p)).toMatchObject({ text: "v #1", state: "STALE" });
    await vi.waitFor(() => expect(cache.lookup("/en/a/x")?.state).toBe("fresh"));
    expect(p.renders).toBe(2);
    expect(await get(p)).toMatchObject({ text: "v #2", state: "HIT" });
  });

  it("serves the last good page while the CMS is down", async () => {
    const { cache, get, advance } = setup();
    const p = page("v");
    await get(p);
    advance(1500);
    p.failWith(new Error("CMS down"));
    expect(await get(p)).toMatchObject({ text: "v #1", state: "STALE" });
    // Even an invalidated page is served when its re-render fails.
    cache.invalidate(["article:1"]);
    expect(await get(p)).toMatchObject({ text: "v #1", state: "STALE-IF-ERROR" });
    p.failWith(undefined);
    expect((await get(p)).state).toBe("MISS");
  });

  it("renders a missing page once however many readers ask at the same time", async () => {
    const { get } = setup();
    const p = page("busy");
    const replies = await Promise.all(Array.from({ length: 20 }, () => get(p)));
    expect(p.renders).toBe(1);
    expect(new Set(replies.map((r) => r.text))).toEqual(new Set(["busy #1"]));
  });

  it.each([
    ["a signed-in member", { cookie: "inkstone_session=abc" }],
    ["a reader with a pending form message", { cookie: "inkstone_flash=abc" }],
  ])("never caches for %s, and marks the answer private", async (_name, headers) => {
    const { get } = setup();
    const p = page("mine");
    await get(p, "/en/a/x", headers);
    const second = await get(p, "/en/a/x", headers);
    expect(second.state).toBeNull();
    expect(p.renders).toBe(2);
  });

  it("keys pages by path and page number only, so query-string noise cannot bypass the cache", async () => {
    const { get } = setup();
    const p = page("list");
    await get(p, "/en/?utm_source=a");
    expect((await get(p, "/en/?utm_source=b&x=1")).state).toBe("HIT");
    expect((await get(p, "/en/?page=2")).state).toBe("MISS");
    expect(p.renders).toBe(2);
  });

  it("does not cache pages that did not declare themselves public, nor errors", async () => {
    const { get } = setup();
    const personal = page("p", { cache: false });
    await get(personal, "/en/bookmarks");
    const again = await get(personal, "/en/bookmarks");
    expect(again.response.headers.get("cache-control")).toBe("private, no-store");
    const missing = page("404", { status: 404 });
    await get(missing, "/en/a/gone");
    await get(missing, "/en/a/gone");
    expect([personal.renders, missing.renders]).toEqual([2, 2]);
  });
});
