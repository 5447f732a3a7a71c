// @ts-check
import node from "@astrojs/node";
import { defineConfig } from "astro/config";

// Server-rendered on @astrojs/node standalone; the launcher (or compose) sets HOST and PORT at run time.
export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  // Canonical links are built from COMMUNITY_URL at request time (src/lib/env.ts), not from this build-time value.
  site: "http://127.0.0.1:4321",
  i18n: {
    locales: ["zh-CN", "en"],
    defaultLocale: "zh-CN",
    routing: { prefixDefaultLocale: false },
  },
  security: { checkOrigin: true },
});
