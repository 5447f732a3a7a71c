import { Writable } from "node:stream";
import { createLogger } from "@inkstone/config/logger";
import { maskSecrets, secretValues } from "@inkstone/config/mask";
import { describe, expect, it } from "vitest";
import { withoutPassword } from "../stack/redact.ts";

describe("URLs in the status table", () => {
  it("hide a password given in the URL, and nothing else", () => {
    expect(withoutPassword("postgres://inkstone:s3cr%40t@db.example:5432/inkstone")).toBe(
      "postgres://inkstone:***@db.example:5432/inkstone",
    );
    expect(withoutPassword("postgres://inkstone@127.0.0.1:15432/inkstone")).toBe(
      "postgres://inkstone@127.0.0.1:15432/inkstone",
    );
    expect(withoutPassword("http://127.0.0.1:7700")).toBe("http://127.0.0.1:7700");
    expect(withoutPassword("127.0.0.1:7233")).toBe("127.0.0.1:7233");
    expect(withoutPassword("task queue inkstone-generation")).toBe("task queue inkstone-generation");
  });
});

describe("secrets in printed text", () => {
  const env = {
    DATABASE_URL: "postgres://inkstone:pa55word-db@db.example/inkstone",
    CMS_WORKER_TOKEN: "worker-token-0123456789",
    APP_KEYS: "first-app-key-aaaa,second-app-key-bbbb",
    OPENAI_API_KEY: "sk-test-abcdefgh",
    LOG_LEVEL: "debug",
    COMMUNITY_PORT: "4321",
  };

  it("masks URL passwords anywhere in a line and the values of variables named as secrets", () => {
    const secrets = secretValues(env);
    expect(secrets).toContain("worker-token-0123456789");
    expect(secrets).toContain("second-app-key-bbbb");
    expect(secrets).not.toContain("debug");
    expect(secrets).not.toContain("4321");
    const line =
      `connect ECONNREFUSED for ${env.DATABASE_URL} (also redis://:other-pass@cache:6379); ` +
      `Authorization: Bearer ${env.CMS_WORKER_TOKEN}; keys ${env.APP_KEYS}; second alone: second-app-key-bbbb; ` +
      `key=${env.OPENAI_API_KEY}; port 4321, level debug`;
    const masked = maskSecrets(line, secrets);
    expect(masked).toBe(
      "connect ECONNREFUSED for postgres://inkstone:***@db.example/inkstone (also redis://:***@cache:6379); " +
        "Authorization: Bearer ***; keys ***; second alone: ***; key=***; port 4321, level debug",
    );
  });

  it("leaves every service's log lines masked, in production JSON and in readable development lines", () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      for (const nodeEnv of ["production", "development"] as const) {
        let printed = "";
        const destination = new Writable({
          write(chunk, _encoding, done) {
            printed += String(chunk);
            done();
          },
        });
        const logger = createLogger("test", { nodeEnv, destination });
        logger.error(
          { err: new Error(`could not reach ${env.DATABASE_URL}`) },
          `token ${env.CMS_WORKER_TOKEN} refused`,
        );
        expect(printed, nodeEnv).toContain("***");
        for (const secret of ["pa55word-db", env.CMS_WORKER_TOKEN]) expect(printed, nodeEnv).not.toContain(secret);
      }
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
