// Boots the built CMS in this process (no HTTP server) with the settings of the running `npm start` stack, so
// scripts like seed and reindex use the CMS's own code and database access.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { launcherEnv } from "@inkstone/config";
import { ROOT } from "./stack/paths.ts";

const require = createRequire(import.meta.url);

export type CmsApp = { destroy(): Promise<void> } & Record<string, unknown>;

/** Loads Strapi from cms/dist; `module` (a path inside cms/dist/src) is required once Strapi is loaded. */
export async function withCms<T>(run: (strapi: CmsApp, load: (module: string) => any) => Promise<T>): Promise<T> {
  if (existsSync(join(ROOT, ".env"))) process.loadEnvFile(join(ROOT, ".env"));
  const settingsFile = join(resolve(ROOT, launcherEnv().DATA_DIR), "cms.env.json");
  if (!existsSync(settingsFile)) {
    console.error("Start Inkstone first (`npm start` in another terminal): this command uses its database.");
    process.exit(2);
  }
  const settings: Record<string, string> = JSON.parse(readFileSync(settingsFile, "utf8"));
  // The script does the work itself, with its own progress bar, rather than the CMS's first-start bootstrap.
  Object.assign(process.env, settings, { SEED_DEMO_CONTENT: "false", STRAPI_TELEMETRY_DISABLED: "true" });
  const cmsDir = join(ROOT, "cms");
  const { createStrapi } = require(require.resolve("@strapi/strapi", { paths: [cmsDir] }));
  const strapi = (await createStrapi({ appDir: cmsDir, distDir: join(cmsDir, "dist") }).load()) as CmsApp;
  try {
    return await run(strapi, (module) => require(join(cmsDir, "dist", "src", module)));
  } finally {
    await strapi.destroy();
  }
}
