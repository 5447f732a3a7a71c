// Reading docker-compose.yml and docker/*.Dockerfile for compose.test.ts: the shapes it checks, Compose's variable
// interpolation (enough of it to resolve this file's values), and the final stage of a Dockerfile.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../stack/paths.ts";

export type Scalar = string | number | boolean | null;
export type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, Scalar> | string[] };
  environment?: Record<string, Scalar> | string[];
  env_file?: string | (string | { path: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  profiles?: string[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  deploy?: { replicas?: number | string };
  restart?: string;
  container_name?: string;
};
export type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };

export const COMPOSE_PATH = join(ROOT, "docker-compose.yml");

/** The file as text and as data (YAML 1.2, as Compose reads it). */
export function loadCompose(path = COMPOSE_PATH): { text: string; data: unknown } {
  const text = readFileSync(path, "utf8");
  return { text, data: parse(text) };
}

/** A service's environment as a map, whichever of Compose's two forms it is written in. */
export function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split("=")[0] ?? "", entry.split("=").slice(1).join("=")]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? "" : String(value)]));
}

export function envFilesOf(service: Service): string[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((file) => (typeof file === "string" ? file : file.path));
}

export function buildArgsOf(service: Service): Record<string, string> {
  const build = service.build;
  if (typeof build !== "object" || build.args === undefined) return {};
  const args = build.args;
  if (Array.isArray(args)) return Object.fromEntries(args.map((entry) => entry.split("=", 2) as [string, string]));
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, String(value ?? "")]));
}

/** Every `$…` in a string, as Compose sees them (`$$` is a literal dollar). */
const EXPRESSION = /\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$/g;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s;

export type Reference = { name: string; operator: string; argument: string; raw: string };

/** The variable references in `value`; throws on one Compose would reject (`${}`, `${1X}`, a lone `$`). */
export function referencesIn(value: string): Reference[] {
  const found: Reference[] = [];
  for (const match of value.matchAll(EXPRESSION)) {
    const [raw, braced, bare] = match;
    if (raw === "$$") continue;
    if (bare !== undefined) {
      found.push({ name: bare, operator: "", argument: "", raw });
      continue;
    }
    const parts = braced === undefined ? null : BRACED.exec(braced);
    if (!parts?.[1]) throw new Error(`malformed interpolation ${JSON.stringify(raw)} in ${JSON.stringify(value)}`);
    found.push({ name: parts[1], operator: parts[2] ?? "", argument: parts[3] ?? "", raw });
  }
  return found;
}

/** Compose's interpolation of `value` with `env` (unset and empty alike for the `:` forms, as Compose does). */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(EXPRESSION, (raw) => {
    if (raw === "$$") return "$";
    const [reference] = referencesIn(raw);
    if (!reference) return raw;
    const { name, operator, argument } = reference;
    const set = env[name];
    const present = operator.startsWith(":") ? Boolean(set) : set !== undefined;
    if (operator.endsWith("-")) return present ? (set ?? "") : argument;
    if (operator.endsWith("?")) {
      if (!present) throw new Error(`${name}: ${argument}`);
      return set ?? "";
    }
    if (operator.endsWith("+")) return present ? argument : "";
    return set ?? "";
  });
}

/** Every string in a parsed YAML document, with its path, for scanning all values at once. */
export function* stringsIn(node: unknown, path = ""): Generator<[path: string, value: string]> {
  if (typeof node === "string") yield [path, node];
  else if (Array.isArray(node)) for (const [i, item] of node.entries()) yield* stringsIn(item, `${path}[${i}]`);
  else if (node && typeof node === "object")
    for (const [key, value] of Object.entries(node)) yield* stringsIn(value, path ? `${path}.${key}` : key);
}

/** A Dockerfile's instructions (continuation lines joined, comments dropped), and those of its last stage. */
export function readDockerfile(path: string): { text: string; instructions: string[]; final: string[] } {
  const text = readFileSync(path, "utf8");
  const instructions = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const lastFrom = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
  return { text, instructions, final: instructions.slice(lastFrom) };
}

/** `KEY=value` pairs set by the ENV instructions of a stage. */
export function envOf(stage: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stage.filter((l) => /^ENV\s/i.test(l))) {
    for (const [, key, value] of line.matchAll(/(\w+)=("[^"]*"|\S+)/g))
      env[key ?? ""] = (value ?? "").replace(/"/g, "");
  }
  return env;
}
