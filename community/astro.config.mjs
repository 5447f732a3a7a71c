// @ts-check
import node from "@astrojs/node";
import { defineConfig } from "astro/config";

// Server-rendered on @astrojs/node standalone; the launcher (or compose) sets HOST and PORT at run time.
export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  // Canonical links are built from COMMUNITY_URL at request time (src/lib/page.ts), not from this build-time value.
  site: "http://127.0.0.1:4321",
  // Locales are path segments (/zh-CN/…, /en/…) handled by the pages themselves; see src/lib/i18n.
  // Our middleware checks Origin against COMMUNITY_URL for every non-GET request (src/middleware/origin.ts), which
  // covers more than Astro's own check (form content types only, against the request's Host).
  security: { checkOrigin: false },
  // Scripts are always separate files, never inlined: the Content-Security-Policy allows only script-src 'self'.
  vite: { build: { assetsInlineLimit: 0 } },
});
