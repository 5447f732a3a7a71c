// `node test/build-site.ts <outDir> <workDir>`: the production build of the site into <outDir>, with VitePress's
// server bundle and Vite's cache in <workDir> instead of the shared `.vitepress/.temp` and `.vitepress/cache`.
// The build test runs it in a process of its own: inside a vitest worker, packages resolve with the `development`
// condition, so Vue's development build would render the pages.
import { join } from "node:path";
import { build } from "vitepress";

const [outDir, workDir] = process.argv.slice(2);
if (!outDir || !workDir) throw new Error("usage: node test/build-site.ts <outDir> <workDir>");

await build(join(import.meta.dirname, ".."), {
  outDir,
  onAfterConfigResolve(config) {
    config.tempDir = join(workDir, "temp");
    config.cacheDir = join(workDir, "cache");
  },
});
