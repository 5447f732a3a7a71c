import type { Image } from "./cms/schemas.ts";

/**
 * Uploaded images (covers, avatars) as pages show them: a <picture> with AVIF and WebP sources and a JPEG or PNG
 * <img>, each with a srcset over the responsive sizes the CMS made (cms/src/lib/uploads/variants.ts), so the
 * browser loads the smallest file that fills the box.
 */

export type PictureSource = { type: string; srcset: string };

/** What <picture> needs: modern sources first, the fallback's src and srcset, and the image's intrinsic size. */
export type PictureData = { src: string; srcset: string; sources: PictureSource[]; width: number; height: number };

type Candidate = { url: string; width: number; mime: string };

/** Tried in this order: the first a browser supports wins. */
const MODERN_TYPES = ["image/avif", "image/webp"];

/**
 * A URL a page may put in `src`: the community's own `/uploads/<file>` (files the CMS keeps locally, served by
 * src/pages/uploads/[file].ts) or an absolute http(s) URL (an S3 bucket or CDN). Anything else is no image.
 */
export function mediaUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  if (/^\/uploads\/[A-Za-z0-9][\w.-]*$/.test(url)) return url;
  return /^https?:\/\/[^\s/]+/i.test(url) && URL.canParse(url) ? url : null;
}

/** A URL as one srcset candidate: commas and spaces would split it. */
const srcsetUrl = (url: string) => url.replace(/[\s,]/g, (c) => encodeURIComponent(c));

const srcset = (candidates: Candidate[]) => candidates.map((c) => `${srcsetUrl(c.url)} ${c.width}w`).join(", ");

/** One candidate per width, narrowest first. */
function byWidth(candidates: Candidate[]): Candidate[] {
  const seen = new Map<number, Candidate>();
  for (const c of candidates) if (!seen.has(c.width)) seen.set(c.width, c);
  return [...seen.values()].sort((a, b) => a.width - b.width);
}

/**
 * `image` as a <picture>: null when it has no usable URL or size. `fallbackWidth` picks the plain `src` (for the
 * rare browser without srcset): the narrowest size at least that wide.
 */
export function pictureOf(image: Image | null | undefined, fallbackWidth: number): PictureData | null {
  const own = mediaUrl(image?.url);
  if (!image || !own || !image.width || !image.height) return null;
  const ownType = image.mime ?? "image/jpeg";
  const all: Candidate[] = [{ url: own, width: image.width, mime: ownType }];
  for (const variant of image.formats) {
    const url = mediaUrl(variant.url);
    if (url) all.push({ url, width: variant.width, mime: variant.mime });
  }
  const fallback = byWidth(all.filter((c) => c.mime === ownType));
  const src = (fallback.find((c) => c.width >= fallbackWidth) ?? fallback.at(-1) ?? all[0]) as Candidate;
  const sources = MODERN_TYPES.filter((type) => type !== ownType).flatMap((type) => {
    const candidates = byWidth(all.filter((c) => c.mime === type));
    return candidates.length ? [{ type, srcset: srcset(candidates) }] : [];
  });
  return { src: src.url, srcset: srcset(fallback), sources, width: image.width, height: image.height };
}

/**
 * The image's alt text as an editor wrote it, or "" (decorative) when there is none — or only a file name, which
 * the media library fills in by default and which tells a listener nothing.
 */
export function altText(image: Image | null | undefined): string {
  const text = image?.alternativeText?.trim() ?? "";
  return /\.(jpe?g|png|webp|avif|gif|heic|tiff?)$/i.test(text) ? "" : text;
}
