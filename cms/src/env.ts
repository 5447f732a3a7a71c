import { type CmsEnv, cmsEnv, SERVICE_VARIABLES, variables } from "@inkstone/config";

// `strapi build` loads the server configuration to build the admin panel but never uses the secrets in it, so the
// build (here and in the Docker image) gets placeholders for every variable without a default instead of real ones.
// The placeholder satisfies every secret rule at once: long enough, upper and lower case letters and a digit.
const PLACEHOLDER = "Admin-build-placeholder-0123456789abcdefgh";
const BUILD_PLACEHOLDERS = {
  ...Object.fromEntries(
    SERVICE_VARIABLES.cms
      .filter((name) => !variables[name].safeParse(undefined).success)
      .map((name) => [name, PLACEHOLDER]),
  ),
  // Nothing is mailed while building, so the build needs no SMTP server.
  MEMBER_EMAIL_VERIFICATION: "off",
};

/** The CMS's validated environment; a bad or missing value stops Strapi with a message naming the variable. */
export function env(): CmsEnv {
  if (!parsed) {
    const building = process.env.INKSTONE_ADMIN_BUILD === "1";
    parsed = cmsEnv(building ? { ...BUILD_PLACEHOLDERS, ...process.env } : process.env);
  }
  return parsed;
}
let parsed: CmsEnv | undefined;
