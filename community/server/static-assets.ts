import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, relative, sep } from "node:path";
import {
  type CompressedCoding,
  compressBytes,
  etagMatches,
  MIN_COMPRESS_BYTES,
  negotiate,
  variantEtag,
} from "../src/lib/compression.ts";

/**
 * The built client files (dist/client: the stylesheet, the search script, the icon) that are text, compressed once
 * at start-up in both codings and kept in memory: @astrojs/node's static handler sends them as they are on disk. A
 * request for one is answered here in the coding it accepts; everything else goes on (returns false).
 */
export type StaticAssets = (request: IncomingMessage, response: ServerResponse) => boolean;

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
};

type Asset = {
  type: string;
  etag: string;
  cacheControl: string;
  bodies: Record<"identity" | CompressedCoding, Buffer | Uint8Array>;
};

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Reads and compresses the text files under `clientDir` that are worth compressing. */
export async function loadStaticAssets(clientDir: string): Promise<StaticAssets> {
  const assets = new Map<string, Asset>();
  for (const path of files(clientDir)) {
    const type = TYPES[path.slice(path.lastIndexOf(".")).toLowerCase()];
    const body = readFileSync(path);
    if (!type || body.byteLength < MIN_COMPRESS_BYTES) continue;
    const url = `/${relative(clientDir, path).split(sep).join("/")}`;
    const [br, gzip] = await Promise.all([compressBytes(body, "br"), compressBytes(body, "gzip")]);
    assets.set(url, {
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      // Astro's build names these by content hash; anything else may change under the same name.
      cacheControl: url.startsWith("/_astro/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      bodies: { identity: body, br, gzip },
    });
  }
  return (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    const asset = assets.get(q < 0 ? url : url.slice(0, q));
    if (!asset) return false;
    const coding = negotiate(request.headers["accept-encoding"]);
    const body = asset.bodies[coding];
    const etag = variantEtag(asset.etag, coding);
    const headers: Record<string, string> = {
      "cache-control": asset.cacheControl,
      vary: "Accept-Encoding",
      etag,
      "x-content-type-options": "nosniff",
    };
    if (etagMatches(request.headers["if-none-match"] ?? null, etag)) {
      response.writeHead(304, headers).end();
      return true;
    }
    headers["content-type"] = asset.type;
    headers["content-length"] = String(body.byteLength);
    if (coding !== "identity") headers["content-encoding"] = coding;
    response.writeHead(200, headers);
    response.end(request.method === "HEAD" ? undefined : body);
    return true;
  };
}
