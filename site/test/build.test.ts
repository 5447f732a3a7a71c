import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const site = join(import.meta.dirname, "..");
const SITE_URL = "https://docs.inkstone.test";

/** Every built page, as its clean URL path (`/en/guide/getting-started`). */
function pages(outDir: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== "assets") visit(path);
      } else if (entry.endsWith(".html") && entry !== "404.html") {
        found.push(
          `/${relative(outDir, path)
            .replace(/index\.html$/, "")
            .replace(/\.html$/, "")}`,
        );
      }
    }
  };
  visit(outDir);
  return found.sort();
}

const htmlFile = (outDir: string, page: string) =>
  join(outDir, page.endsWith("/") ? `${page}index.html` : `${page}.html`);

// The real VitePress build, into a temporary folder, with a public hostname as a deployment would set it.
describe("docs site build", () => {
  const outDir = mkdtempSync(join(tmpdir(), "inkstone-site-"));
  let built: string[] = [];

  beforeAll(async () => {
    await promisify(execFile)(join(site, "..", "node_modules", ".bin", "vitepress"), ["build", "--outDir", outDir], {
      cwd: site,
      env: { ...process.env, SITE_URL },
    });
    built = pages(outDir);
  }, 180_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("produces the home and getting-started pages in both locales", () => {
    expect(built).toEqual(["/", "/en/", "/en/guide/getting-started", "/guide/getting-started"]);
  });

  it("gives every page a title, description, canonical URL, hreflang alternates and Open Graph tags", () => {
    for (const page of built) {
      const html = readFileSync(htmlFile(outDir, page), "utf8");
      expect(html, page).toMatch(/<title>[^<]+<\/title>/);
      expect(html, page).toMatch(/<meta name="description" content="[^"]{20,}">/);
      expect(html, page).toContain(`<link rel="canonical" href="${SITE_URL}${page}">`);
      expect(html, page).toMatch(/<link rel="alternate" hreflang="zh-CN" href="[^"]+">/);
      expect(html, page).toMatch(/<link rel="alternate" hreflang="en" href="[^"]+">/);
      expect(html, page).toMatch(/<meta property="og:title" content="[^"]+">/);
      expect(html, page).toMatch(/<meta property="og:description" content="[^"]+">/);
    }
  });

  it("marks each page's language", () => {
    for (const page of built) {
      const lang = page.startsWith("/en/") ? "en" : "zh-CN";
      expect(readFileSync(htmlFile(outDir, page), "utf8"), page).toContain(`<html lang="${lang}"`);
    }
  });

  it("lists every page in the sitemap at the public hostname, and robots.txt points at it", () => {
    const sitemap = readFileSync(join(outDir, "sitemap.xml"), "utf8");
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]).sort();
    expect(locs).toEqual(built.map((page) => `${SITE_URL}${page}`).sort());
    expect(readFileSync(join(outDir, "robots.txt"), "utf8")).toContain(`Sitemap: ${SITE_URL}/sitemap.xml`);
  });
});
