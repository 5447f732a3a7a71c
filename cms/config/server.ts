import { env as cmsEnv } from "../src/env.ts";

export default () => {
  const env = cmsEnv();
  return {
    host: env.CMS_HOST,
    port: env.CMS_PORT,
    url: env.CMS_PUBLIC_URL ?? env.CMS_URL,
    app: { keys: env.APP_KEYS },
    // Served at the CMS's root; uploaded files go in its uploads/ (src/lib/uploads/storage.ts).
    dirs: { public: env.CMS_PUBLIC_DIR },
    // No update check against the npm registry on start: the platform must work offline (and it would write
    // .strapi-updater.json into the app folder).
    logger: { updates: { enabled: false } },
  };
};
