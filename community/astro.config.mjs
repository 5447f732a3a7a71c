// @ts-check
import node from "@astrojs/node";
import { defineConfig, passthroughImageService } from "astro/config";

// Server-rendered on @astrojs/node standalone; the launcher (or compose) sets HOST and PORT at run time.
// This file is read at build time: anything that depends on the environment (COMMUNITY_URL, TRUSTED_PROXIES) is
// decided by our own code at run time instead.
export default defineConfig({
  output: "server",
  adapter: node({
    mode: "standalone",
    // A ceiling: bodies past it are cut off mid-read (the adapter's default is 1 GB). The endpoints' own limits
    // (2 MB for forms, src/lib/endpoint.ts) sit well below it and answer 413 having read and dropped the rest, so a
    // client that sends 3 MB without a Content-Length reads a 413 instead of a reset connection.
    bodySizeLimit: 16_000_000,
  }),
  // Canonical links are built from COMMUNITY_URL at request time (src/lib/page.ts), not from this build-time value.
  site: "http://127.0.0.1:4321",
  // No `i18n` here: locales are path segments (/zh-CN/…, /en/…) handled by the pages themselves; see src/lib/i18n.
  security: {
    // Our middleware checks Origin against COMMUNITY_URL for every non-GET request (src/middleware/origin.ts), which
    // covers more than Astro's own check (form content types only, against the request's Host).
    checkOrigin: false,
    // Deliberately none. Astro believes X-Forwarded-Host/-Proto and the left-most X-Forwarded-For for any request
    // whose Host matches these domains — a header every client can send — and nothing here depends on the forwarded
    // host (absolute URLs come from COMMUNITY_URL at run time). With none, `clientAddress` is always the socket's
    // peer, and src/lib/security/client-address.ts believes X-Forwarded-For only from TRUSTED_PROXIES.
    allowedDomains: [],
  },
  // Members' sessions live in the CMS's session store, shared by every replica (src/lib/auth/session.ts); Astro's
  // own would keep files on one machine.
  session: false,
  // No page uses astro:assets (images in articles are remote links). The adapter still serves /_image; passing files
  // through keeps anyone from making this server rasterise and resize images on request.
  image: { service: passthroughImageService() },
  // The templates are written with HTML's whitespace rules (Astro 7's default, "jsx", drops spaces between lines).
  compressHTML: true,
  // Scripts are always separate files, never inlined: the Content-Security-Policy allows only script-src 'self'.
  vite: { build: { assetsInlineLimit: 0 } },
});
