// Images for the upload tests, made here rather than kept as binary files: good ones (with EXIF, GPS and an
// orientation to undo) and every kind of bad one the CMS must refuse. Shared by the CMS's and the community's tests.
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

export type TestFile = { name: string; type: string; bytes: Buffer };

/** A landscape photo as a phone writes it: EXIF with the camera and a GPS position. */
export async function photoWithGps(width = 1200, height = 800): Promise<TestFile> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: "#3a6f9c" } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "Inkstone Test Phone", Model: "T1" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "48/1 51/1 2400/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "2/1 17/1 4000/100",
      },
    })
    .toBuffer();
  return { name: "holiday.jpg", type: "image/jpeg", bytes };
}

/** Stored 800 × 600 with EXIF orientation 6: shown (and to be stored) upright, 600 × 800. */
export async function sidewaysPhoto(): Promise<TestFile> {
  const bytes = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#a63" } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return { name: "portrait.jpg", type: "image/jpeg", bytes };
}

/** A half-transparent PNG (kept PNG: a JPEG would lose the transparency). */
export async function translucentPng(): Promise<TestFile> {
  const bytes = await sharp({
    create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
  return { name: "badge.png", type: "image/png", bytes };
}

/** A Windows program renamed to look like a photo: name, declared type and all. */
export function renamedExecutable(): TestFile {
  const header = Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "latin1");
  const body = Buffer.concat([
    header,
    Buffer.alloc(4096, 0x90),
    Buffer.from("This program cannot be run in DOS mode."),
  ]);
  return { name: "holiday.jpg", type: "image/jpeg", bytes: body };
}

/** An SVG that runs a script when opened. */
export function svgWithScript(name = "logo.svg", type = "image/svg+xml"): TestFile {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(document.cookie)</script>' +
    '<rect width="64" height="64" fill="red"/></svg>';
  return { name, type, bytes: Buffer.from(svg) };
}

/** A few kilobytes of PNG declaring 50000 × 50000 pixels (7.5 GB decoded): a decompression bomb. */
export function pixelBomb(): TestFile {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    // The first rows' worth of zeros: compressed to almost nothing, as a real bomb's would be.
    chunk("IDAT", deflateSync(Buffer.alloc(150_001 * 20))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return { name: "bomb.png", type: "image/png", bytes };
}

/** A real JPEG cut off after 60% of its bytes, as an interrupted transfer leaves it. */
export async function truncatedJpeg(): Promise<TestFile> {
  const { bytes } = await photoWithGps(640, 480);
  return { name: "cut.jpg", type: "image/jpeg", bytes: bytes.subarray(0, Math.floor(bytes.length * 0.6)) };
}

/** A two-frame animated GIF. */
export async function animatedGif(): Promise<TestFile> {
  const frame = (background: string) =>
    sharp({ create: { width: 40, height: 40, channels: 3, background } })
      .png()
      .toBuffer();
  const bytes = await sharp([await frame("#f00"), await frame("#0f0")], { join: { animated: true } })
    .gif()
    .toBuffer();
  return { name: "blink.gif", type: "image/gif", bytes };
}

/** `megabytes` MB of bytes behind a JPEG's first marker, named as a photo. */
export function hugeFile(megabytes = 20): TestFile {
  const bytes = Buffer.alloc(megabytes * 1024 * 1024, 0x20);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return { name: "huge.jpg", type: "image/jpeg", bytes };
}

/** A multipart form holding `file` in `field` (and any plain fields), as a browser or the community sends it. */
export function formWith(field: string, file: TestFile, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return form;
}

/** A TIFF: an image, but not a format Inkstone accepts. */
export async function tiffImage(): Promise<TestFile> {
  const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
    .tiff()
    .toBuffer();
  return { name: "scan.tiff", type: "image/tiff", bytes };
}

/** Every file the CMS must refuse, with its status and the `details.code` it answers. */
export const REFUSED_FILES: {
  label: string;
  status: number;
  code: string;
  make: () => TestFile | Promise<TestFile>;
}[] = [
  { label: "a renamed executable", status: 400, code: "not_an_image", make: renamedExecutable },
  { label: "an SVG with a script", status: 400, code: "svg_not_accepted", make: () => svgWithScript() },
  {
    label: "an SVG with a script, named and typed as a PNG",
    status: 400,
    code: "svg_not_accepted",
    make: () => svgWithScript("logo.png", "image/png"),
  },
  { label: "a decompression bomb (50000 × 50000)", status: 413, code: "too_many_pixels", make: pixelBomb },
  { label: "a truncated JPEG", status: 400, code: "damaged_image", make: truncatedJpeg },
  { label: "an animated GIF", status: 400, code: "animated_not_accepted", make: animatedGif },
  { label: "a TIFF", status: 400, code: "unsupported_format", make: tiffImage },
];
