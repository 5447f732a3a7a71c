import { env as cmsEnv } from "../src/env.ts";

export default () => ({
  "users-permissions": { config: { jwtSecret: cmsEnv().JWT_SECRET } },
});
