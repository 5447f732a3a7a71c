import { env as cmsEnv } from "../src/env.ts";

export default () => {
  const env = cmsEnv();
  return {
    auth: {
      secret: env.ADMIN_JWT_SECRET,
      // The admin's refresh cookie is never sent on a request another site started — not even by the community or
      // the docs site, which are same-site with the admin when they share a domain.
      cookie: { sameSite: "strict" },
    },
    apiToken: { salt: env.API_TOKEN_SALT },
    transfer: { token: { salt: env.TRANSFER_TOKEN_SALT } },
    secrets: { encryptionKey: env.ENCRYPTION_KEY },
    // No calls home from the admin panel: the platform must work offline.
    flags: { nps: false, promoteEE: false },
  };
};
