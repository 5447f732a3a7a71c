import { describe, expect, it } from "vitest";
import {
  ConfigError,
  cmsEnv,
  communityEnv,
  DEFAULT_PORTS,
  launcherEnv,
  SERVICE_VARIABLES,
  variables,
  workerEnv,
} from "../src/index.ts";

const secrets = {
  APP_KEYS: "aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb",
  API_TOKEN_SALT: "s".repeat(16),
  ADMIN_JWT_SECRET: "a".repeat(16),
  TRANSFER_TOKEN_SALT: "t".repeat(16),
  JWT_SECRET: "j".repeat(16),
  ENCRYPTION_KEY: "e".repeat(16),
  MEILI_ADMIN_KEY: "m".repeat(16),
  MEILI_SEARCH_KEY: "q".repeat(16),
  CMS_COMMUNITY_TOKEN: "c".repeat(32),
  CMS_WORKER_TOKEN: "w".repeat(32),
  COMMUNITY_WEBHOOK_SECRET: "h".repeat(16),
  COMMUNITY_SESSION_SECRET: "z".repeat(32),
  ADMIN_PASSWORD: "Passw0rdPassw0rd",
  TEMPORAL_CODEC_KEYS: `k1:${"A".repeat(43)}=`,
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("service env functions", () => {
  it("default to the embedded stack", () => {
    const env = workerEnv(secrets);
    expect(env.TEMPORAL_ADDRESS).toBe(`127.0.0.1:${DEFAULT_PORTS.temporal}`);
    expect(env.GENERATION_CONCURRENCY).toBe(2);
    expect(communityEnv(secrets).CMS_URL).toBe(`http://127.0.0.1:${DEFAULT_PORTS.cms}`);
    expect(launcherEnv({}).POSTGRES_PORT).toBe(DEFAULT_PORTS.postgres);
  });

  it("parses and normalises given values", () => {
    const env = cmsEnv({
      ...secrets,
      CMS_PORT: "8080",
      CMS_URL: "https://cms.example.org/",
      DATABASE_URL: "postgresql://u:p@db:5432/x",
      SMTP_HOST: "smtp.example.org",
    });
    expect(env.CMS_PORT).toBe(8080);
    expect(env.MEMBER_EMAIL_VERIFICATION).toBe("required");
    expect(env.CMS_URL).toBe("https://cms.example.org");
    expect(env.APP_KEYS).toEqual(["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]);
  });

  it("refuses to require e-mail confirmation with nowhere to send the links", () => {
    const error = configError(() => cmsEnv({ ...secrets, SMTP_HOST: "" }));
    expect(error.message).toMatch(/MEMBER_EMAIL_VERIFICATION: required needs SMTP_HOST/);
    expect(cmsEnv({ ...secrets, MEMBER_EMAIL_VERIFICATION: "off" }).SMTP_HOST).toBeUndefined();
  });

  it("treats empty values as unset", () => {
    expect(workerEnv({ ...secrets, GENERATION_CONCURRENCY: "  " }).GENERATION_CONCURRENCY).toBe(2);
  });

  it.each([
    ["CMS_PORT", "abc", "expected a TCP port number"],
    ["CMS_PORT", "70000", "between 1 and 65535"],
    ["DATABASE_URL", "mysql://x@y/z", "postgres://"],
    ["CMS_URL", "cms:1337", "http:// or https:// URL"],
    ["APP_KEYS", "short", "at least 16 characters"],
  ])("rejects %s=%j naming the variable and what it expects", (name, value, expected) => {
    const error = configError(() => cmsEnv({ ...secrets, [name]: value }));
    const line = error.issues.find((issue) => issue.startsWith(`${name}:`));
    expect(line).toContain(expected);
    expect(error.message).toContain("Invalid configuration for cms");
  });

  it("lists every missing secret at once and never prints secret values", () => {
    const error = configError(() => cmsEnv({ JWT_SECRET: "tooshort-secret" }));
    for (const name of ["APP_KEYS", "API_TOKEN_SALT", "ADMIN_JWT_SECRET", "TRANSFER_TOKEN_SALT", "ENCRYPTION_KEY"]) {
      expect(error.issues.some((issue) => issue.startsWith(`${name}: must be set`))).toBe(true);
    }
    expect(error.message).toContain("JWT_SECRET");
    expect(error.message).not.toContain("tooshort-secret");
  });

  it("rejects an out-of-range generation concurrency", () => {
    expect(configError(() => workerEnv({ GENERATION_CONCURRENCY: "0" })).issues[0]).toMatch(
      /^GENERATION_CONCURRENCY: expected at least 1/,
    );
  });
});

describe("variables", () => {
  it("every variable has a description and every service reads only known variables", () => {
    for (const [name, schema] of Object.entries(variables)) expect(schema.description, name).toBeTruthy();
    for (const names of Object.values(SERVICE_VARIABLES))
      for (const name of names) expect(variables).toHaveProperty(name);
  });
});
