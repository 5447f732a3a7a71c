import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errors } from "@strapi/utils";
import sharp, { type Metadata } from "sharp";
import { AVATAR_EDGE, MAX_BYTES, MAX_EDGE, MAX_PIXELS, megabytes, type Purpose } from "./limits.ts";

/**
 * The one gate every uploaded image passes, whichever way it came (an editor's media library, a member's avatar):
 * the bytes are decoded — the extension and the declared type are never believed — and what is stored is a fresh
 * encoding of the pixels alone: turned upright, EXIF, GPS, XMP and ICC gone, at most MAX_EDGE (a square of at most
 * AVATAR_EDGE for avatars). A refusal says why with a 4xx and leaves nothing behind.
 */

/** The image as it will be stored: a new file in a folder of its own, which the caller removes. */
export type PreparedImage = {
  path: string;
  dir: string;
  width: number;
  height: number;
  size: number;
  mime: "image/jpeg" | "image/png";
  ext: ".jpg" | ".png";
};

/** Formats accepted, as sharp names them (AVIF is HEIF with AV1 inside); everything else is refused. */
const ACCEPTED = new Set(["jpeg", "png", "webp", "avif", "gif"]);
const ACCEPTED_NAMES = "a JPEG, PNG, WebP, AVIF or GIF";

const refused = (code: string, message: string) => new errors.ValidationError(message, { code });
const tooLarge = (code: string, message: string) => new errors.PayloadTooLargeError(message, { code });

/**
 * The accepted format the file's first bytes announce, if any. Only those files reach an image decoder at all:
 * libvips can read many more formats (SVG through librsvg, TIFF…) than Inkstone accepts, and what it never parses
 * cannot hurt it.
 */
function announcedFormat(head: Buffer): string | undefined {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString("latin1");
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(4, 8) === "ftyp") {
    // An ISO media file: its major brand, then its compatible ones, say whether it is AVIF (or HEIC, or a video).
    const end = Math.min(head.readUInt32BE(0), head.length);
    const brands = [ascii(8, 12)];
    for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(at, at + 4));
    if (brands.some((brand) => brand === "avif" || brand === "avis")) return "avif";
    if (brands.some((brand) => /^(heic|heix|hevc|heim|heis|mif1)$/.test(brand))) return "heic";
  }
  return undefined;
}

/** Image formats people may try that are not accepted, by their first bytes, to name them in the refusal. */
function otherImageFormat(head: Buffer): string | undefined {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString("latin1");
  if (announcedFormat(head) === "heic") return "HEIC";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "TIFF";
  if (ascii(0, 2) === "BM") return "BMP";
  if (ascii(0, 4) === "8BPS") return "Photoshop";
  if (ascii(0, 4) === "\0\0\x01\0") return "ICO";
  if ((head[0] === 0xff && head[1] === 0x0a) || ascii(4, 8) === "JXL ") return "JPEG XL";
  if (/<svg[\s>]/i.test(head.toString("utf8"))) return "SVG";
  return undefined;
}

async function firstBytes(path: string, count: number): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(count), 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The file's format from its header; HEIF is split into AVIF (decodable) and the rest (HEIC, which is not). */
function formatOf(meta: Metadata): string | undefined {
  if (meta.format === "heif") return meta.compression === "av1" ? "avif" : "heic";
  return meta.format;
}

/** Reads the header only (no pixels are decoded), refusing what is not an accepted still image of a sane size. */
async function inspect(path: string, size: number, purpose: Purpose): Promise<Metadata> {
  const limit = MAX_BYTES[purpose];
  if (size > limit)
    throw tooLarge(
      "file_too_large",
      `The file is ${megabytes(size)}; ${purpose === "avatar" ? "an avatar" : "an image"} may be ${megabytes(limit)} at most.`,
    );
  if (size === 0) throw refused("empty_file", "The file is empty.");
  const head = await firstBytes(path, 4096);
  const announced = announcedFormat(head);
  if (!announced || !ACCEPTED.has(announced)) {
    const other = otherImageFormat(head);
    if (other === "SVG")
      throw refused(
        "svg_not_accepted",
        `SVG images are not accepted: they can carry scripts. Upload ${ACCEPTED_NAMES}.`,
      );
    if (other) throw refused("unsupported_format", `${other} images are not accepted. Upload ${ACCEPTED_NAMES}.`);
    // A program, a document, random bytes: whatever it claims to be, its content is no image.
    throw refused("not_an_image", `This file is not an image. Upload ${ACCEPTED_NAMES}.`);
  }
  let meta: Metadata;
  try {
    // The pixel limit is checked below from the header, so the message can say how large the image claims to be.
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch {
    // It starts like an image but its header cannot be read.
    throw refused(
      "damaged_image",
      "The image is damaged: its header cannot be read. Save it again and upload the new file.",
    );
  }
  // The decoder must agree with the first bytes: a file that starts as one format and is another is refused.
  if (formatOf(meta) !== announced)
    throw refused(
      "damaged_image",
      "The image is damaged: it is not the format it starts as. Save it again and upload the new file.",
    );
  if ((meta.pages ?? 1) > 1)
    throw refused("animated_not_accepted", "Animated images are not accepted. Upload a still image.");
  const { width = 0, height = 0 } = meta;
  if (!width || !height)
    throw refused("damaged_image", "The image is damaged: it has no size. Save it again and upload the new file.");
  if (width * height > MAX_PIXELS)
    throw tooLarge(
      "too_many_pixels",
      `The image is ${width} × ${height} pixels; at most ${MAX_PIXELS / 1_000_000} megapixels are accepted. Scale it down and upload it again.`,
    );
  return meta;
}

/** Decodes `path` in full and writes the image to store; a decoding failure (cut off, corrupt) is the file's fault. */
async function reencode(path: string, meta: Metadata, purpose: Purpose, dir: string): Promise<PreparedImage> {
  // Stored as JPEG, or PNG when there may be transparency: formats every browser shows as the <img> fallback.
  const png = Boolean(meta.hasAlpha);
  const out = join(dir, png ? "image.png" : "image.jpg");
  // failOn "error": a truncated or corrupt image is refused instead of stored half grey; the limit is set again
  // here in case the header lied.
  let pipeline = sharp(path, { limitInputPixels: MAX_PIXELS, failOn: "error" }).timeout({ seconds: 30 }).autoOrient();
  if (purpose === "avatar") {
    const upright = meta.autoOrient ?? meta;
    const side = Math.min(upright.width ?? AVATAR_EDGE, upright.height ?? AVATAR_EDGE, AVATAR_EDGE);
    pipeline = pipeline.resize(side, side, { fit: "cover", position: "attention" });
  } else pipeline = pipeline.resize(MAX_EDGE, MAX_EDGE, { fit: "inside", withoutEnlargement: true });
  // sharp writes no metadata unless asked to: EXIF (with any GPS position), XMP, IPTC and the ICC profile all go,
  // the pixels converted to sRGB first.
  pipeline = png ? pipeline.png({ compressionLevel: 9 }) : pipeline.jpeg({ quality: 82, mozjpeg: true });
  try {
    const info = await pipeline.toFile(out);
    return {
      path: out,
      dir,
      width: info.width,
      height: info.height,
      size: info.size,
      mime: png ? "image/png" : "image/jpeg",
      ext: png ? ".png" : ".jpg",
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Vips\w*: /, "").trim() : String(error);
    throw refused(
      "damaged_image",
      `The image could not be read to the end (${reason}): it is damaged or incomplete. Save it again and upload the new file.`,
    );
  }
}

/**
 * Checks the uploaded file at `path` (`size` bytes) and writes the image to store. Throws 413 (too many bytes or
 * pixels) or 400 (not an image, SVG, animated, another format, damaged) with `details.code` saying which.
 */
export async function prepareImage(path: string, size: number, purpose: Purpose): Promise<PreparedImage> {
  const meta = await inspect(path, size, purpose);
  const dir = await mkdtemp(join(tmpdir(), "inkstone-image-"));
  try {
    return await reencode(path, meta, purpose, dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
