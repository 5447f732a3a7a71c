// `npm run reindex`: rebuilds the search index from the CMS's published articles into a fresh index and swaps it
// in atomically; search keeps answering from the old index until the swap. Runs against the `npm start` stack.
import { join, resolve } from "node:path";
import { withCms } from "./cms-script.ts";
import { progressBar } from "./progress.ts";
import { withLock } from "./stack/lock.ts";
import { ROOT } from "./stack/paths.ts";

const bar = progressBar("Reindexing");
// A reindex starts by deleting any leftover build index, so two at once would undo each other: one at a time.
const lock = join(resolve(ROOT, process.env.DATA_DIR ?? ".data"), "reindex.lock");
const result = await withLock(lock, () =>
  withCms(async (strapi, load) => {
    const { outboxStore } = load("lib/search-source.js");
    const { articleIndex } = load("lib/search-sync.js");
    const { reindex } = await import("@inkstone/search");
    const store = outboxStore(strapi);
    const total: number = await store.countPublished();
    return reindex(store.allPublished(), {
      index: articleIndex(),
      total,
      onProgress: ({ indexed }) => bar(Math.min(indexed, total), total),
    });
  }),
);
console.log(
  `Indexed ${result.indexed} articles in ${(result.durationMs / 1000).toFixed(1)} s` +
    (result.skipped.length ? `; skipped ${result.skipped.length}: ${result.skipped.map((s) => s.id).join(", ")}` : "."),
);
process.exit(0);
