import { env as cmsEnv } from "../src/env.ts";
import { communityOrigin, type PreviewRequest, previewUrl } from "../src/lib/preview-url.ts";

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
    // The edit view's Preview: a draft as the community will render it (src/lib/preview-url.ts). Strapi adds the
    // allowed origins to the admin's CSP `frame-src`, so the preview can be framed.
    preview: {
      enabled: true,
      config: {
        allowedOrigins: [communityOrigin()],
        handler: async (uid: string, request: PreviewRequest) => previewUrl(uid, request),
      },
    },
  };
};
