import { env as cmsEnv } from "../src/env.ts";

/** PostgreSQL only: Inkstone's system of record (ARCHITECTURE.md). */
export default () => {
  const env = cmsEnv();
  return {
    connection: {
      client: "postgres",
      connection: { connectionString: env.DATABASE_URL },
      pool: { min: 0, max: env.DATABASE_POOL_MAX },
      acquireConnectionTimeout: 60_000,
    },
    // Migrations are TypeScript in database/migrations; `strapi build` compiles them into dist/, where Strapi
    // then looks for them.
    settings: { useTypescriptMigrations: true },
  };
};
