// `node site/scripts/images.ts`: makes the derived images from their sources in site/public and records them in
// .vitepress/derived.json (see .vitepress/images.ts): AVIF and WebP versions of every PNG at the widths the pages
// ask for, and favicon.ico (16, 32 and 48 px PNGs in an ICO) from favicon.svg. Run it after adding or changing a
// source, and commit what it writes; a PNG whose versions are up to date is left alone. It uses sharp, which the
// workspace installs (for Strapi); the site's build does not.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import {
  FAVICON,
  MANIFEST,
  type Manifest,
  pictureOf,
  pngSize,
  readManifest,
  sha256,
  variantPath,
  widthsFor,
} from "../.vitepress/images.ts";

const PUBLIC = join(import.meta.dirname, "..", "public");

/** Every PNG under public/, as public paths. */
const sources = readdirSync(PUBLIC, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".png"))
  .map((file) => `/${file.split("\\").join("/")}`)
  .sort();

const made = readManifest();
const manifest: Manifest = {};
for (const source of sources) {
  const bytes = readFileSync(join(PUBLIC, source));
  manifest[source] = sha256(bytes);
  if (isUpToDate(source)) continue;
  for (const width of widthsFor(pngSize(bytes).width)) {
    const resized = sharp(bytes).resize({ width, withoutEnlargement: true });
    // Screenshots are text and flat colour: quality high enough that small text stays sharp.
    await resized
      .clone()
      .avif({ quality: 60, effort: 6 })
      .toFile(join(PUBLIC, variantPath(source, width, "avif")));
    await resized
      .clone()
      .webp({ quality: 80, effort: 6 })
      .toFile(join(PUBLIC, variantPath(source, width, "webp")));
  }
  console.log(`${source}: ${widthsFor(pngSize(bytes).width).join(", ")} px, AVIF and WebP`);
}

const svg = readFileSync(join(PUBLIC, FAVICON.source));
const icons = await Promise.all(
  FAVICON.sizes.map((size) =>
    sharp(svg, { density: 72 * 8 })
      .resize(size, size)
      .png()
      .toBuffer(),
  ),
);
writeFileSync(join(PUBLIC, FAVICON.derived), ico(icons, FAVICON.sizes));
manifest[FAVICON.source] = sha256(svg);
console.log(`${FAVICON.derived}: ${FAVICON.sizes.join(", ")} px`);

writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);

/** True when `source`'s versions were made from it as it is now (to remake them all, delete derived.json). */
function isUpToDate(source: string): boolean {
  try {
    pictureOf(PUBLIC, source, made);
    return true;
  } catch {
    return false;
  }
}

/** An ICO file holding PNG images (every browser reads PNG entries), one per size. */
function ico(images: Buffer[], sizes: readonly number[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map((image, index) => {
    const size = sizes[index] ?? 0;
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // width (0 means 256)
    entry.writeUInt8(size >= 256 ? 0 : size, 1); // height
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(image.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += image.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images]);
}
