import { rm } from "node:fs/promises";
import { extname } from "node:path";
import { type PreparedImage, prepareImage } from "./image.ts";
import type { Purpose } from "./limits.ts";

/** A file as Strapi's body parser hands it to the upload service (the fields that service reads). */
export type IncomingFile = {
  filepath: string;
  size: number;
  originalFilename?: string | null;
  mimetype?: string | null;
  detectedMimeType?: string;
};

/** The uploaded file's name with the stored format's extension ("photo.webp" stored as JPEG is "photo.jpg"). */
function storedName(original: string | null | undefined, ext: string): string {
  const name = (original ?? "").trim() || "image";
  return `${name.slice(0, name.length - extname(name).length) || "image"}${ext}`;
}

/** The upload service's view of a prepared image: its file, size, name and type, nothing the client said. */
function asIncoming(file: IncomingFile, image: PreparedImage): IncomingFile {
  return {
    filepath: image.path,
    size: image.size,
    originalFilename: storedName(file.originalFilename, image.ext),
    mimetype: image.mime,
    detectedMimeType: image.mime,
  };
}

/**
 * Runs `store` on the prepared images of `files` instead of the files themselves (see image.ts), then removes the
 * prepared copies. When one file is refused nothing is stored: `store` is not called.
 */
export async function withPreparedImages<T>(
  files: IncomingFile | IncomingFile[],
  purpose: Purpose,
  store: (prepared: IncomingFile | IncomingFile[]) => Promise<T>,
): Promise<T> {
  const list = Array.isArray(files) ? files : [files];
  const prepared: PreparedImage[] = [];
  try {
    for (const file of list) prepared.push(await prepareImage(file.filepath, file.size, purpose));
    const incoming = list.map((file, i) => asIncoming(file, prepared[i] as PreparedImage));
    return await store(Array.isArray(files) ? incoming : (incoming[0] as IncomingFile));
  } finally {
    await Promise.all(prepared.map((image) => rm(image.dir, { recursive: true, force: true })));
  }
}
