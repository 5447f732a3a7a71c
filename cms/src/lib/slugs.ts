import { createHash } from "node:crypto";

/** A URL-safe slug from a title: ASCII words kept, everything else dropped; CJK titles fall back to `fallback`. */
export function slugify(text: string, fallback = "article"): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return slug || fallback;
}

/** Six hex characters that are the same for the same input: makes a slug unique without a lookup. */
export function shortHash(input: string): string {
  return createHash("sha256").update(input).digest("hex").slice(0, 6);
}

/** Minutes to read: about 220 English words, or 400 Chinese characters, a minute. */
export function readingMinutes(markdown: string): number {
  const cjk = (markdown.match(/[\u3400-\u9fff]/g) ?? []).length;
  const words = markdown
    .replace(/[\u3400-\u9fff]/g, " ")
    .split(/\s+/)
    .filter(Boolean).length;
  return Math.max(1, Math.round(words / 220 + cjk / 400));
}
