import { env as cmsEnv } from "../src/env.ts";

/** PostgreSQL only: Inkstone's system of record (DESIGN.md). */
export default () => {
  const env = cmsEnv();
  return {
    connection: {
      client: "postgres",
      connection: { connectionString: env.DATABASE_URL },
      pool: { min: 0, max: env.DATABASE_POOL_MAX },
      acquireConnectionTimeout: 60_000,
    },
  };
};
