import { env as cmsEnv } from "../src/env.ts";

export default () => {
  const env = cmsEnv();
  return {
    auth: { secret: env.ADMIN_JWT_SECRET },
    apiToken: { salt: env.API_TOKEN_SALT },
    transfer: { token: { salt: env.TRANSFER_TOKEN_SALT } },
    secrets: { encryptionKey: env.ENCRYPTION_KEY },
    // No calls home from the admin panel: the platform must work offline.
    flags: { nps: false, promoteEE: false },
  };
};
