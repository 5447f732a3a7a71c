import { type CmsEnv, cmsEnv } from "@inkstone/config";

// `strapi build` loads the server configuration to build the admin panel but never uses the secrets in it, so the
// build (here and in the Docker image) gets placeholders instead of needing real secrets.
const BUILD_PLACEHOLDERS = Object.fromEntries(
  ["APP_KEYS", "API_TOKEN_SALT", "ADMIN_JWT_SECRET", "TRANSFER_TOKEN_SALT", "JWT_SECRET", "ENCRYPTION_KEY"].map(
    (name) => [name, "admin-build-placeholder"],
  ),
);

/** The CMS's validated environment; a bad or missing value stops Strapi with a message naming the variable. */
export function env(): CmsEnv {
  const building = process.env.INKSTONE_ADMIN_BUILD === "1";
  return cmsEnv(building ? { ...BUILD_PLACEHOLDERS, ...process.env } : process.env);
}
