import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Core } from "@strapi/strapi";
import { type IncomingFile, withPreparedImages } from "../../lib/uploads/gate.ts";
import type { Purpose } from "../../lib/uploads/limits.ts";
import { responsiveVariants, type StoredImage } from "../../lib/uploads/variants.ts";

type Deps = { strapi: Core.Strapi };
type UploadOptions = { user?: unknown; purpose?: Purpose };
type UploadService = {
  upload(input: { data: unknown; files: IncomingFile | IncomingFile[] }, options?: UploadOptions): Promise<unknown[]>;
  replace(id: unknown, input: { data: unknown; file: IncomingFile }, options?: UploadOptions): Promise<unknown>;
};
type Route = { config?: { policies?: unknown[] } };
type Plugin = {
  register: (deps: Deps) => Promise<void> | void;
  routes: Record<string, { routes: Route[] }>;
  services: Record<string, unknown> & {
    upload: (deps: Deps) => UploadService;
    "image-manipulation": Record<string, unknown>;
  };
};

/**
 * Strapi's upload plugin, narrowed to images Inkstone has checked:
 * - every file stored — an editor's upload or replacement in the media library, a member's avatar — is first
 *   checked and re-encoded by lib/uploads (decoded, not believed by name; metadata stripped), so there is one gate;
 * - its formats are our responsive variants (lib/uploads/variants.ts), whatever the media library's settings say,
 *   and the image is not optimised a second time;
 * - its content-API routes (`/api/upload*`) answer nobody: editors upload in the admin panel, members through
 *   `/api/profiles/me/avatar`.
 */
export default (plugin: Plugin) => {
  for (const route of plugin.routes["content-api"]?.routes ?? [])
    route.config = { ...route.config, policies: ["global::closed", ...(route.config?.policies ?? [])] };

  const register = plugin.register;
  plugin.register = (deps) => {
    // The local provider refuses to start without its folder; a fresh CMS_PUBLIC_DIR has none yet.
    mkdirSync(join(deps.strapi.dirs.static.public, "uploads"), { recursive: true });
    return register(deps);
  };

  plugin.services["image-manipulation"] = {
    ...plugin.services["image-manipulation"],
    optimize: async (file: unknown) => file,
    generateResponsiveFormats: (file: StoredImage) => responsiveVariants(file),
  };

  const makeUpload = plugin.services.upload;
  plugin.services.upload = (deps) => {
    const service = makeUpload(deps);
    const upload = service.upload.bind(service);
    const replace = service.replace.bind(service);
    return {
      ...service,
      upload: ({ data, files }, options) =>
        withPreparedImages(files, options?.purpose ?? "media", (prepared) =>
          upload({ data, files: prepared }, options),
        ),
      replace: (id, { data, file }, options) =>
        withPreparedImages(file, options?.purpose ?? "media", (prepared) =>
          replace(id, { data, file: prepared as IncomingFile }, options),
        ),
    };
  };
  return plugin;
};
