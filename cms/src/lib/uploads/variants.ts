import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { file as files } from "@strapi/utils";
import sharp, { type Sharp } from "sharp";
import { MAX_PIXELS, VARIANT_WIDTHS } from "./limits.ts";

/**
 * The responsive sizes of a stored image: each width of VARIANT_WIDTHS below its own, in its own format (JPEG or
 * PNG) and in WebP and AVIF; and its own width in WebP and AVIF. Pages pick among them with <picture>, srcset and
 * sizes. Keys are `<format>_<width>` (`jpeg_640`, `webp_640`, `avif_1200`); Strapi keeps them in the file's `formats`.
 */

/** What Strapi's upload service hands its format generator: the stored image, on disk. */
export type StoredImage = {
  name: string;
  hash: string;
  ext?: string;
  mime?: string;
  path?: string | null;
  width?: number | null;
  height?: number | null;
  filepath?: string;
  getStream?: () => NodeJS.ReadableStream;
  tmpWorkingDirectory?: string;
};

/** One variant, shaped as Strapi's own formats are (`size` in KB), with a stream for its provider. */
export type Variant = {
  key: string;
  file: {
    name: string;
    hash: string;
    ext: string;
    mime: string;
    path: string | null;
    width: number;
    height: number;
    size: number;
    sizeInBytes: number;
    filepath: string;
    getStream: () => NodeJS.ReadableStream;
  };
};

type Encoding = { format: string; ext: string; mime: string; encode: (image: Sharp) => Sharp };

const ENCODINGS: Record<string, Encoding> = {
  jpeg: { format: "jpeg", ext: ".jpg", mime: "image/jpeg", encode: (i) => i.jpeg({ quality: 80, mozjpeg: true }) },
  png: { format: "png", ext: ".png", mime: "image/png", encode: (i) => i.png({ compressionLevel: 9 }) },
  webp: { format: "webp", ext: ".webp", mime: "image/webp", encode: (i) => i.webp({ quality: 78 }) },
  // Effort 2 of 9: AVIF is the slowest encoder by far, and a few percent of size is not worth seconds per upload.
  avif: { format: "avif", ext: ".avif", mime: "image/avif", encode: (i) => i.avif({ quality: 55, effort: 2 }) },
};

const swapExtension = (name: string, ext: string) => `${name.replace(/\.[^./\\]+$/, "")}${ext}`;

/** Every variant of `image` (already checked and re-encoded by prepareImage), written beside it. */
export async function responsiveVariants(image: StoredImage): Promise<Variant[]> {
  if (!image.width || !image.height) return [];
  // Read once: the upload service sends the image to its provider meanwhile, which forgets `filepath` when done.
  const source = image.filepath
    ? await readFile(image.filepath)
    : image.getStream
      ? await buffer(image.getStream())
      : undefined;
  if (!source) return [];
  const own = image.mime === "image/png" ? ENCODINGS.png : ENCODINGS.jpeg;
  if (!own || !ENCODINGS.webp || !ENCODINGS.avif) return [];
  const plan: { width: number; encoding: Encoding }[] = [];
  for (const width of VARIANT_WIDTHS.filter((w) => w < (image.width ?? 0)))
    for (const encoding of [own, ENCODINGS.webp, ENCODINGS.avif]) plan.push({ width, encoding });
  for (const encoding of [ENCODINGS.webp, ENCODINGS.avif]) plan.push({ width: image.width, encoding });

  const dir = image.tmpWorkingDirectory ?? tmpdir();
  const variants: Variant[] = [];
  for (const { width, encoding } of plan) {
    const key = `${encoding.format}_${width}`;
    const hash = `${key}_${image.hash}`;
    const filepath = join(dir, `${hash}${encoding.ext}`);
    const resized = sharp(source, { limitInputPixels: MAX_PIXELS }).resize({ width, withoutEnlargement: true });
    const info = await encoding.encode(resized).toFile(filepath);
    variants.push({
      key,
      file: {
        name: swapExtension(`${key}_${image.name}`, encoding.ext),
        hash,
        ext: encoding.ext,
        mime: encoding.mime,
        path: image.path ?? null,
        width: info.width,
        height: info.height,
        size: files.bytesToKbytes(info.size),
        sizeInBytes: info.size,
        filepath,
        getStream: () => createReadStream(filepath),
      },
    });
  }
  return variants;
}
