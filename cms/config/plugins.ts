import { env as cmsEnv } from "../src/env.ts";

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
});
