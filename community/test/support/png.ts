import { inflateSync } from "node:zlib";

/** Reads PNGs the way a viewer does, to check what a share card shows: its size, and where there is ink. */

const SIGNATURE = "89504e470d0a1a0a";

/** Width and height from the IHDR chunk; throws when `bytes` is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const data = Buffer.from(bytes);
  if (data.subarray(0, 8).toString("hex") !== SIGNATURE || data.subarray(12, 16).toString("latin1") !== "IHDR")
    throw new Error("not a PNG");
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

export type Pixels = { width: number; height: number; channels: number; data: Uint8Array };

/** The pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what resvg writes). */
export function decodePng(bytes: Uint8Array): Pixels {
  const data = Buffer.from(bytes);
  const { width, height } = pngSize(data);
  const [depth, colour, , , interlace] = data.subarray(24, 29);
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}`);
  const channels = colour === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    if (data.subarray(at + 4, at + 8).toString("latin1") === "IDAT") idat.push(data.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const corner = y > 0 && x >= channels ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - corner;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - corner)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : corner;
      }
      out[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

/** The share of pixels in the box that are dark (text), from 0 to 1. */
export function inkIn(pixels: Pixels, box: { x: number; y: number; width: number; height: number }): number {
  let dark = 0;
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++) {
      const at = (y * pixels.width + x) * pixels.channels;
      const [r = 0, g = 0, b = 0] = pixels.data.subarray(at, at + 3);
      if (0.2126 * r + 0.7152 * g + 0.0722 * b < 128) dark++;
    }
  return dark / (box.width * box.height);
}
