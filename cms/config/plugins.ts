import { env as cmsEnv } from "../src/env.ts";
import { mailProvider } from "../src/lib/mail/transport.ts";
import { MAX_BYTES } from "../src/lib/uploads/limits.ts";
import { uploadProvider } from "../src/lib/uploads/storage.ts";

export default () => ({
  "users-permissions": {
    config: {
      jwtSecret: cmsEnv().JWT_SECRET,
      // Sign-ins are throttled per account and per member address by our own wrapper around the sign-in route
      // (src/extensions/users-permissions, src/lib/signin-throttle.ts), which sees the member's address. This
      // limit is keyed by the caller's address — always the community's — so it only stops a runaway client.
      ratelimit: { interval: 60_000, max: 1000 },
    },
  },
  // Covers and avatars: the local folder or an S3-compatible bucket (src/lib/uploads/storage.ts). Every file is
  // checked and re-encoded by src/lib/uploads before it is stored (src/extensions/upload), whichever route it came by.
  upload: {
    config: {
      ...uploadProvider(cmsEnv()),
      sizeLimit: MAX_BYTES.media,
      // Strapi's own check, by the first bytes and the name, stays open (an empty deny list, which also keeps it from
      // warning on every upload): src/lib/uploads decides by decoding, with the same answers on every route.
      security: { deniedTypes: [] },
    },
  },
  // Mail goes out through SMTP (src/lib/mail/transport.ts); everything Inkstone sends is queued in its outbox first.
  email: { config: mailProvider(cmsEnv()) },
});
