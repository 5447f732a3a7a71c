// Page quality of both sites as a visitor's browser gets them: Lighthouse (mobile, simulated throttling) in
// Debian's Chromium, and the Nu HTML Checker over the HTML each page is served as. The docs site is built and
// served the way `npm start` serves it; the community runs against a real CMS with published articles.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmsApi } from "../../cms/test/cms-api.ts";
import { citedBody, publishArticle } from "../../community/test/support/content.ts";
import { type Chrome, findChromium, launchChrome } from "../quality/chrome.ts";
import { type Bars, CATEGORIES, formatReport, measurePage, quietMachine, shortfalls } from "../quality/lighthouse.ts";
import { hasJava, htmlErrors } from "../quality/vnu.ts";
import { serveSite } from "../stack/site-server.ts";
import { startTestApps } from "./services.ts";

/** A page measured MAX_RUNS times, each after waiting for a quiet machine, may take a few minutes. */
const MEASURE_TIMEOUT_MS = 300_000;
const chromium = findChromium();
const java = hasJava();

const DOCS_BARS: Bars = { performance: 95, accessibility: 100 };
const COMMUNITY_BARS: Bars = { performance: 95, accessibility: 95, "best-practices": 95, seo: 95 };
const NOINDEX_BARS: Bars = { performance: 95, accessibility: 95, "best-practices": 95 };

type Page = {
  site: "docs" | "community";
  name: string;
  path: string;
  bars: Bars;
  /** Asks search engines not to index it (so Lighthouse's SEO category, which counts that against it, is aside). */
  noindex?: boolean;
};

// The same guide in both languages: a gap between them points at what only one language costs (CJK text layout).
const DOCS: Page[] = [
  { site: "docs", name: "zh home", path: "/", bars: DOCS_BARS },
  { site: "docs", name: "en home", path: "/en/", bars: DOCS_BARS },
  { site: "docs", name: "en guide", path: "/en/guide/getting-started", bars: DOCS_BARS },
  { site: "docs", name: "zh guide", path: "/guide/getting-started", bars: DOCS_BARS },
];
const DOCS_NOT_FOUND = "/no-such-page";

/** A GET (or `method`) of `path` as sent, unnormalized, with the answer undecoded. */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("the docs site's server (what npm start serves site/.vitepress/dist with)", () => {
  let folder = "";
  let server: Server | undefined;
  let base = "";
  const page = (title: string) => `<!DOCTYPE html><html lang="en"><title>${title}</title>${"<p>text</p>".repeat(200)}`;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "inkstone-site-server-"));
    const root = join(folder, "dist");
    for (const dir of ["guide", "en", "assets"]) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, "index.html"), page("home"));
    writeFileSync(join(root, "en", "index.html"), page("en home"));
    writeFileSync(join(root, "guide", "intro.html"), page("intro"));
    writeFileSync(join(root, "assets", "app.4f2a.js"), "export {};\n");
    writeFileSync(join(root, "404.html"), page("not found"));
    writeFileSync(join(folder, "secret.txt"), "outside the site");
    server = await serveSite(root, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("serves a clean URL from its .html file and a folder from its index.html, as HTML in UTF-8", async () => {
    for (const [path, title] of [
      ["/", "home"],
      ["/guide/intro", "intro"],
      ["/guide/intro.html", "intro"],
      ["/en/", "en home"],
    ] as const) {
      const answer = await raw(base, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(answer.body.toString(), path).toContain(`<title>${title}</title>`);
    }
  });

  it("answers an unknown path with the site's 404 page, status 404 and its Content-Type", async () => {
    for (const path of ["/nope", "/guide/nope", "/assets/gone.js"]) {
      const answer = await raw(base, path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(answer.body.toString(), path).toContain("<title>not found</title>");
    }
  });

  it("sends a folder's URL without its slash to the one with it, query kept", async () => {
    const answer = await raw(base, "/en?x=1");
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe("/en/?x=1");
  });

  it("keeps every path inside the site", async () => {
    for (const path of ["/../secret.txt", "/..%2fsecret.txt", "/guide/../../secret.txt", "/%2e%2e/secret.txt"]) {
      const answer = await raw(base, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).not.toContain("outside the site");
    }
  });

  it("caches hashed assets for good, revalidates pages by ETag, and compresses text as the browser accepts", async () => {
    expect((await raw(base, "/assets/app.4f2a.js")).headers["cache-control"]).toBe(
      "public, max-age=31536000, immutable",
    );
    const home = await raw(base, "/", { "accept-encoding": "gzip, deflate, br" });
    expect(home.headers["cache-control"]).toBe("no-cache");
    expect(home.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(home.body).toString()).toBe(page("home"));
    expect((await raw(base, "/", { "accept-encoding": "gzip" })).headers["content-encoding"]).toBe("gzip");
    expect((await raw(base, "/")).headers["content-encoding"]).toBeUndefined();
    const etag = String(home.headers.etag);
    expect((await raw(base, "/", { "if-none-match": etag })).status).toBe(304);
  });

  it("refuses other methods (405) and broken percent-encoding (400), saying why", async () => {
    const post = await raw(base, "/", {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    const broken = await raw(base, "/%E0%A4%A");
    expect(broken.status).toBe(400);
    expect(broken.body.toString()).toContain("percent-encoded");
  });
});

describe.skipIf(!chromium || !java)("page quality", () => {
  const urls: Record<Page["site"], string> = { docs: "", community: "" };
  const community: Page[] = [];
  const pageUrl = (page: Page) => `${urls[page.site]}${page.path}`;
  /** Each page's (and the docs 404 page's) HTML as served, and its HTML errors, by URL. */
  const html = new Map<string, string>();
  let errors = new Map<string, string[]>();
  const summary: string[] = [];
  let light: Chrome | undefined;
  let dark: Chrome | undefined;
  let htmlDir = "";

  beforeAll(async () => {
    const started = Date.now();
    const { env } = await startTestApps(["cms", "community", "site"]);
    urls.docs = String(env.SITE_URL);
    urls.community = String(env.COMMUNITY_URL);
    const api = cmsApi(env);
    const author = await api.signUp("lin-quality");
    const article = await publishArticle(api, author.user.documentId, "run-quality", {
      title: "Reading sources before writing",
      summary: "How a cited draft comes together, one source at a time.",
      ...citedBody,
    });
    await publishArticle(api, author.user.documentId, "run-quality-zh", {
      locale: "zh-CN",
      title: "先读来源，再动笔",
      summary: "一篇带引用的文章是怎样写成的。",
      body: "## 来历\n\n每个说法都指向读过的来源 [1]。\n",
      tags: ["写作"],
      sources: [{ title: "来源", url: "https://example.org/source", excerpt: "来源的摘录。" }],
    });
    const articlePath = `/en/a/${article.slug}`;
    const articleHtml = await (await fetch(`${urls.community}${articlePath}`)).text();
    const linked = (kind: string) => articleHtml.match(new RegExp(`href="(/en/${kind}/[^"]+)"`))?.[1];
    const [authorPath, tagPath] = [linked("authors"), linked("tags")];
    if (!authorPath || !tagPath) throw new Error(`the article page links no author or tag:\n${articleHtml}`);
    community.push(
      { site: "community", name: "en home", path: "/en/", bars: COMMUNITY_BARS },
      { site: "community", name: "zh home", path: "/zh-CN/", bars: COMMUNITY_BARS },
      { site: "community", name: "article", path: articlePath, bars: COMMUNITY_BARS },
      { site: "community", name: "author", path: authorPath, bars: COMMUNITY_BARS },
      { site: "community", name: "tag", path: tagPath, bars: COMMUNITY_BARS },
      // Search results and the sign-in form are noindex by design.
      { site: "community", name: "search", path: "/en/search?q=sources", bars: NOINDEX_BARS, noindex: true },
      { site: "community", name: "sign-in", path: "/en/signin", bars: NOINDEX_BARS, noindex: true },
    );

    // Every page's HTML as served (which also fills the community's page cache, as for any visitor after the
    // first), checked in one run of the checker.
    htmlDir = mkdtempSync(join(tmpdir(), "inkstone-page-quality-"));
    const files = new Map<string, string>();
    const notFound = `${urls.docs}${DOCS_NOT_FOUND}`;
    const pages = [...DOCS.map(pageUrl), notFound, ...community.map(pageUrl)];
    for (const [index, url] of pages.entries()) {
      const response = await fetch(url);
      const text = await response.text();
      // Measuring an error page instead of the page meant would pass for the wrong reason.
      if (response.status !== (url === notFound ? 404 : 200)) throw new Error(`${url} answered ${response.status}`);
      const file = join(htmlDir, `${index}.html`);
      writeFileSync(file, text);
      html.set(url, text);
      files.set(url, file);
    }
    const checked = Date.now();
    const byFile = await htmlErrors([...files.values()]);
    errors = new Map([...files].map(([url, file]) => [url, byFile.get(file) ?? []]));
    summary.push(
      `stack up, content published and pages fetched in ${((checked - started) / 1000).toFixed(1)} s; ` +
        `Nu HTML Checker over ${files.size} pages in ${((Date.now() - checked) / 1000).toFixed(1)} s`,
    );

    light = await launchChrome(chromium as string);
    // This file runs right after the suite: its last processes winding down are not the pages' slowness.
    await quietMachine(90_000);
  });

  afterAll(async () => {
    await light?.close();
    await dark?.close();
    if (htmlDir) rmSync(htmlDir, { recursive: true, force: true });
    console.log(`page quality\n  ${summary.join("\n  ")}`);
  });

  /**
   * Checks `page` against its bars: its HTML errors, then Lighthouse (scores and timings printed either way). A
   * page whose Performance could not be judged, the host being too slow by Lighthouse's own measure in every run,
   * is reported as skipped once everything else about it has passed.
   */
  async function check(page: Page, skip: (note: string) => never): Promise<void> {
    const problems = errors.get(pageUrl(page)) ?? [];
    const started = Date.now();
    const { report, runs, hostTooSlow } = await measurePage(pageUrl(page), (light as Chrome).port, page.bars);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const load = (loadavg()[0] ?? 0).toFixed(1);
    const line = `${page.site} ${page.name}: ${CATEGORIES.map((id) => report.scores[id]).join("/")} (P/A/BP/SEO), ${
      problems.length
    } HTML errors, ${runs.length} run(s) in ${seconds} s, benchmark index ${runs
      .map((run) => run.benchmarkIndex)
      .join("/")}, load ${load} on ${cpus().length} cores`;
    summary.push(line);
    console.log(`${line}\n  ${runs.map(formatReport).join("\n  ")}`);

    expect(problems, `${page.path}: ${problems.join("\n")}`).toEqual([]);
    const missed = shortfalls(report, page.bars);
    expect(
      missed.filter((category) => category !== "performance"),
      formatReport(report),
    ).toEqual([]);
    if (hostTooSlow)
      skip(`Performance ${report.scores.performance} not judged: the host was too slow for Lighthouse in every run`);
    expect(missed, formatReport(report)).toEqual([]);
  }

  describe("docs site", () => {
    for (const page of DOCS) {
      it(
        `${page.name} (${page.path}): Performance ≥ 95, Accessibility 100, no HTML errors`,
        async ({ skip }) => {
          await check(page, skip);
        },
        MEASURE_TIMEOUT_MS,
      );
    }

    it("keeps Accessibility 100 in the dark appearance (a home page, a guide page)", async () => {
      // The browser prefers dark, so VitePress's automatic appearance turns dark: contrast is checked again on a
      // page with the brand button and one with code blocks (site/test checks every colour pair and code token).
      dark = await launchChrome(chromium as string, ["--force-dark-mode"]);
      for (const page of DOCS.filter(({ name }) => name === "en home" || name === "zh guide")) {
        const { report } = await measurePage(pageUrl(page), dark.port, { accessibility: 100 }, ["accessibility"]);
        summary.push(`docs ${page.name}, dark: accessibility ${report.scores.accessibility}`);
        expect(shortfalls(report, { accessibility: 100 }), `${page.name}: ${formatReport(report)}`).toEqual([]);
      }
    });

    it("answers an unknown path with its 404 page: status 404, HTML with its charset, no HTML errors", async () => {
      const response = await fetch(`${urls.docs}${DOCS_NOT_FOUND}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await response.text()).toContain("<!DOCTYPE html>");
      expect(errors.get(`${urls.docs}${DOCS_NOT_FOUND}`)).toEqual([]);
    });

    it("serves a favicon at /favicon.ico and names an SVG icon", async () => {
      const ico = await fetch(`${urls.docs}/favicon.ico`);
      expect(ico.status).toBe(200);
      expect(ico.headers.get("content-type")).toBe("image/x-icon");
      const home = await (await fetch(`${urls.docs}/`)).text();
      expect(home).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
      expect((await fetch(`${urls.docs}/favicon.svg`)).headers.get("content-type")).toBe("image/svg+xml");
    });
  });

  describe("community", () => {
    // The pages exist once beforeAll published the articles; the names are fixed so the tests can be listed.
    for (const name of ["en home", "zh home", "article", "author", "tag", "search", "sign-in"]) {
      it(
        `${name}: ≥ 95 in every category (SEO aside where noindex), no HTML errors`,
        async ({ skip }) => {
          const page = community.find((candidate) => candidate.name === name) as Page;
          // The exemption holds only while the page really says noindex.
          if (page.noindex) expect(html.get(pageUrl(page))).toContain('<meta name="robots" content="noindex"');
          await check(page, skip);
        },
        MEASURE_TIMEOUT_MS,
      );
    }
  });
});
