/** What pages need of an uploaded image: its URL, alt text, size, type and responsive variants (variants.ts). */
export type PublicImage = {
  url: string;
  alternativeText: string | null;
  width: number | null;
  height: number | null;
  mime: string | null;
  formats: Record<string, { url: string; width: number; height: number; mime: string }>;
};

type StoredFile = {
  url?: unknown;
  alternativeText?: unknown;
  width?: unknown;
  height?: unknown;
  mime?: unknown;
  formats?: unknown;
};

const text = (value: unknown) => (typeof value === "string" ? value : null);
const whole = (value: unknown) => (typeof value === "number" && Number.isInteger(value) ? value : null);

/**
 * An upload file row as our own routes return it (comment authors' avatars, the member's own profile): the fields
 * a page shows, none of the storage details (hash, provider, folder).
 */
export function publicImage(file: StoredFile | null | undefined): PublicImage | null {
  const url = text(file?.url);
  if (!file || !url) return null;
  const formats: PublicImage["formats"] = {};
  for (const [key, value] of Object.entries((file.formats ?? {}) as Record<string, StoredFile | null>)) {
    const variant = {
      url: text(value?.url),
      width: whole(value?.width),
      height: whole(value?.height),
      mime: text(value?.mime),
    };
    if (variant.url && variant.width && variant.height && variant.mime)
      formats[key] = variant as PublicImage["formats"][string];
  }
  return {
    url,
    alternativeText: text(file.alternativeText),
    width: whole(file.width),
    height: whole(file.height),
    mime: text(file.mime),
    formats,
  };
}
