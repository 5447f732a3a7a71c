import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SKIP = new Set([
  "node_modules",
  "dist",
  ".astro",
  ".strapi",
  ".cache",
  "cache",
  ".tmp",
  "build",
  "test",
  "types",
]);

/** Newest modification time of any file under `paths` (folders are walked, build output and tests skipped). */
export function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (!SKIP.has(entry)) visit(join(path, entry));
    } else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const path of paths) visit(path);
  return newest;
}

/** True when `output` is missing or older than the newest of `sources`. */
export function isStale(sources: readonly string[], output: string): boolean {
  if (!existsSync(output)) return true;
  return newestMtime(sources) > statSync(output).mtimeMs;
}
