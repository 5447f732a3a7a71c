import { env as cmsEnv } from "../src/env.ts";

export default () => ({
  "users-permissions": {
    config: {
      jwtSecret: cmsEnv().JWT_SECRET,
      // Every member signs in and up through the community's server, so Strapi sees one client address for all of
      // them: its default (5 per 5 minutes per address) would lock the whole site out. The community limits per
      // member address and per account itself (429 with Retry-After); this only caps a runaway client.
      ratelimit: { interval: 60_000, max: 600 },
    },
  },
});
