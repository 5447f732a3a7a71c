import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { createMarkdownRenderer } from "vitepress";
import { describe, expect, it } from "vitest";
import {
  FAVICON,
  FORMATS,
  pictureOf,
  pngSize,
  readManifest,
  sha256,
  variantPath,
  widthsFor,
} from "../.vitepress/images.ts";
import { pictures } from "../.vitepress/pictures.ts";

const PUBLIC = join(import.meta.dirname, "..", "public");
const manifest = readManifest();
const screenshots = Object.keys(manifest).filter((source) => source.endsWith(".png"));

describe("derived images", () => {
  it("were made from the current version of every source", () => {
    expect(screenshots.length).toBeGreaterThan(0);
    for (const [source, hash] of Object.entries(manifest))
      expect(sha256(readFileSync(join(PUBLIC, source))), `${source}: run node site/scripts/images.ts`).toBe(hash);
  });

  it.each(screenshots)(
    "%s has AVIF and WebP versions of the width they are named for, in its proportions",
    async (source) => {
      const { width, height } = pngSize(readFileSync(join(PUBLIC, source)));
      for (const format of FORMATS)
        for (const w of widthsFor(width)) {
          const meta = await sharp(join(PUBLIC, variantPath(source, w, format))).metadata();
          expect(meta.format === "heif" ? "avif" : meta.format).toBe(format);
          expect(meta.width).toBe(w);
          expect(Math.abs((meta.height ?? 0) - (height * w) / width)).toBeLessThanOrEqual(1);
        }
    },
  );

  it("refuses a source changed since its versions were made, saying what to run", () => {
    const [source = ""] = screenshots;
    expect(() => pictureOf(PUBLIC, source, { ...manifest, [source]: "0".repeat(64) })).toThrow(
      "node site/scripts/images.ts",
    );
  });

  it("makes the favicon's ICO of 16, 32 and 48 px PNGs", () => {
    const ico = readFileSync(join(PUBLIC, FAVICON.derived));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const entries = Array.from({ length: count }, (_, index) => {
      const entry = 6 + 16 * index;
      const offset = ico.readUInt32LE(entry + 12);
      const png = ico.subarray(offset, offset + ico.readUInt32LE(entry + 8));
      return { declared: ico.readUInt8(entry), ...pngSize(png) };
    });
    expect(entries).toEqual(FAVICON.sizes.map((size) => ({ declared: size, width: size, height: size })));
  });

  it("renders a Markdown screenshot as a lazy <picture>, unless the page marks it as its largest paint", async () => {
    const md = await createMarkdownRenderer(join(import.meta.dirname, ".."), { config: (it) => pictures(it, PUBLIC) });
    const below = md.render("![The feed](/screenshots/feed.png)");
    expect(below).toContain('<img src="/screenshots/feed.png" alt="The feed" width="1280" height="720" loading="lazy"');
    expect(below).toContain(
      '<source type="image/avif" srcset="/screenshots/feed-640.avif 640w, /screenshots/feed-1280.avif 1280w"',
    );
    const hero = md.render("![The feed](/screenshots/feed.png){loading=eager fetchpriority=high}");
    expect(hero).toContain('loading="eager"');
    expect(hero).toContain('fetchpriority="high"');
    // Anything else (another site's image, an SVG) is left as VitePress renders it.
    expect(md.render("![x](https://example.org/x.png)")).not.toContain("<picture>");
  });
});
