/** What an uploaded image may be, in one place: the body limit, the validation and the tests read these. */

/** What the upload is for: a media-library file (covers, through the admin panel) or a member's avatar. */
export type Purpose = "media" | "avatar";

const MB = 1024 * 1024;

/** Largest file accepted, by purpose. */
export const MAX_BYTES: Record<Purpose, number> = { media: 10 * MB, avatar: 5 * MB };

/**
 * Most pixels decoded (width × height, as the file's header declares them): 40 megapixels, e.g. 8000 × 5000. A
 * decompression bomb — a few kilobytes that declare 50000 × 50000 — is refused from its header, before decoding.
 */
export const MAX_PIXELS = 40_000_000;

/** Longest side of a stored media file; larger images are scaled down (no page shows more). */
export const MAX_EDGE = 2560;

/** Avatars are stored square, at most this many pixels a side. */
export const AVATAR_EDGE = 512;

/** Widths of the responsive variants, each in the stored format, WebP and AVIF (only those below the image's own). */
export const VARIANT_WIDTHS = [160, 320, 640, 960, 1280, 1920] as const;

/** The member's avatar route (its body limit is the avatar's). */
export const AVATAR_ROUTE = "/api/profiles/me/avatar";

/** `bytes` for a person: "5 MB", "20.3 MB". */
export function megabytes(bytes: number): string {
  const value = bytes / MB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MB`;
}
