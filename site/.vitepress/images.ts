// The site's raster images are PNG sources in public/; smaller AVIF and WebP versions of each, and the favicon's
// ICO, are made from them by `node site/scripts/images.ts` (sharp) and committed, because the site's own build
// (and its Docker image) has no image encoder. derived.json records which version of each source they were made
// from, so a source changed without regenerating fails the build instead of shipping stale pictures.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The widths made of every screenshot, in pixels, as far as the source is wide. */
export const WIDTHS = [640, 1280] as const;
/** Modern formats, best first: the order of a <picture>'s sources. */
export const FORMATS = ["avif", "webp"] as const;
export type Format = (typeof FORMATS)[number];

/** What is derived from what, by public path: the favicon, and the versions of every PNG. */
export const FAVICON = { source: "/favicon.svg", derived: "/favicon.ico", sizes: [16, 32, 48] } as const;

export const MANIFEST = join(import.meta.dirname, "derived.json");
/** Source public path → SHA-256 of the source the derived files were made from. */
export type Manifest = Record<string, string>;

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export const readManifest = (): Manifest =>
  existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, "utf8")) as Manifest) : {};

/** A PNG's size in pixels, from its header (IHDR is always the first chunk). */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || bytes.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The widths made of a source `sourceWidth` pixels wide: the standard ones below it, and its own. */
export const widthsFor = (sourceWidth: number) => [
  ...new Set([...WIDTHS.filter((width) => width < sourceWidth), Math.min(sourceWidth, Math.max(...WIDTHS))]),
];

/** `/screenshots/feed.png` at 640 px in AVIF → `/screenshots/feed-640.avif`. */
export const variantPath = (source: string, width: number, format: Format) =>
  source.replace(/\.png$/, `-${width}.${format}`);

export type Picture = {
  width: number;
  height: number;
  /** Per format, the `srcset` of its versions. */
  srcset: Record<Format, string>;
};

/**
 * The versions of the PNG at public path `source`, checked against the manifest: a source without versions, or
 * changed since they were made, is an error that says what to run.
 */
export function pictureOf(publicDir: string, source: string, manifest: Manifest = readManifest()): Picture {
  const file = join(publicDir, source);
  if (!existsSync(file)) throw new Error(`${source}: no such image in ${publicDir}`);
  const bytes = readFileSync(file);
  const stale = () =>
    new Error(`${source} has no up-to-date AVIF and WebP versions: run \`node site/scripts/images.ts\``);
  if (manifest[source] !== sha256(bytes)) throw stale();
  const { width, height } = pngSize(bytes);
  const widths = widthsFor(width);
  const srcset = {} as Record<Format, string>;
  for (const format of FORMATS) {
    for (const w of widths) if (!existsSync(join(publicDir, variantPath(source, w, format)))) throw stale();
    srcset[format] = widths.map((w) => `${variantPath(source, w, format)} ${w}w`).join(", ");
  }
  return { width, height, srcset };
}

/** Throws when the favicon's ICO was not made from the current SVG. */
export function checkFavicon(publicDir: string, manifest: Manifest = readManifest()): void {
  const svg = readFileSync(join(publicDir, FAVICON.source));
  if (manifest[FAVICON.source] !== sha256(svg) || !existsSync(join(publicDir, FAVICON.derived)))
    throw new Error(
      `${FAVICON.derived} was not made from the current ${FAVICON.source}: run \`node site/scripts/images.ts\``,
    );
}
