// Reading docker-compose.yml, docker/*.Dockerfile and the nginx configuration under deploy/ for compose.test.ts: the
// shapes it checks, Compose's variable interpolation (enough of it to resolve this file's values), the final stage of
// a Dockerfile, and nginx's configuration syntax (to read it, and to write a copy that runs outside a container).
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
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  deploy?: { replicas?: number | string };
  restart?: string;
  container_name?: string;
};
export type Network = { ipam?: { config?: { subnet?: string; ip_range?: string; gateway?: string }[] } };
export type ComposeFile = {
  services: Record<string, Service>;
  networks?: Record<string, Network | null>;
  volumes?: Record<string, unknown>;
};

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

/** The networks a service joins, with its fixed address on each where it has one (none listed: `default`). */
export function networksOf(service: Service): Record<string, { ipv4_address?: string }> {
  const networks = service.networks ?? ["default"];
  if (Array.isArray(networks)) return Object.fromEntries(networks.map((name) => [name, {}]));
  return Object.fromEntries(Object.entries(networks).map(([name, settings]) => [name, settings ?? {}]));
}

/** A bind-mounted file or folder (`./host/path:/container/path[:ro]`) as its two paths and whether it is read-only. */
export function bindMountsOf(service: Service): { source: string; target: string; readOnly: boolean }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume !== "string" || !/^[./~]/.test(volume)) return [];
    const [source = "", target = "", mode = ""] = volume.split(":");
    return [{ source, target, readOnly: mode.split(",").includes("ro") }];
  });
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

/** One nginx directive: its name, its arguments (unquoted), and the directives of its block when it has one. */
export type NginxDirective = { name: string; args: string[]; block?: NginxDirective[] };

/** nginx's escapes inside quotes: `\"`, `\'`, `\\`, and `\n`, `\r`, `\t` (anything else stays as written). */
const NGINX_ESCAPES: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", n: "\n", r: "\r", t: "\t" };

/** Splits nginx configuration text into words (quotes resolved), `{`, `}` and `;`, dropping comments. */
function nginxTokens(text: string): { value: string; quoted: boolean }[] {
  const tokens: { value: string; quoted: boolean }[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] ?? "";
    if (/\s/.test(char)) at++;
    else if (char === "#") at = text.indexOf("\n", at) === -1 ? text.length : text.indexOf("\n", at);
    else if (char === "{" || char === "}" || char === ";") {
      tokens.push({ value: char, quoted: false });
      at++;
    } else if (char === '"' || char === "'") {
      let value = "";
      for (at++; at < text.length && text[at] !== char; at++) {
        const next = text[at + 1] ?? "";
        if (text[at] === "\\" && next in NGINX_ESCAPES) {
          value += NGINX_ESCAPES[next];
          at++;
        } else value += text[at];
      }
      if (at >= text.length) throw new Error(`nginx configuration: unterminated ${char}-quoted string`);
      at++;
      tokens.push({ value, quoted: true });
    } else {
      // A word runs to a space, quote, `;`, `{` or `}`, except the `{` of a `${variable}`.
      const word = /^(?:\$\{[^}]*\}|[^\s{};"'])+/.exec(text.slice(at))?.[0] ?? char;
      tokens.push({ value: word, quoted: false });
      at += word.length;
    }
  }
  return tokens;
}

/** An nginx configuration as a tree of directives; throws on unbalanced braces or a directive left open. */
export function parseNginx(text: string): NginxDirective[] {
  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  let words: string[] = [];
  for (const token of nginxTokens(text)) {
    const current = stack.at(-1) ?? root;
    if (token.quoted || !["{", "}", ";"].includes(token.value)) words.push(token.value);
    else if (token.value === ";") {
      const [name = "", ...args] = words;
      current.push({ name, args });
      words = [];
    } else if (token.value === "{") {
      const [name = "", ...args] = words;
      const directive: NginxDirective = { name, args, block: [] };
      current.push(directive);
      stack.push(directive.block ?? []);
      words = [];
    } else {
      if (words.length || stack.length === 1) throw new Error("nginx configuration: unexpected }");
      stack.pop();
    }
  }
  if (words.length || stack.length !== 1) throw new Error("nginx configuration: a block or directive is not closed");
  return root;
}

/** `directives` written out as nginx configuration, quoting the arguments that need it. */
export function formatNginx(directives: NginxDirective[], indent = ""): string {
  const escapes: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "'": "\\'", "\\": "\\\\" };
  const quote = (arg: string) =>
    arg !== "" && !/[\s;{}'"#\\]/.test(arg) ? arg : `'${arg.replace(/[\n\r\t'\\]/g, (c) => escapes[c] ?? c)}'`;
  return directives
    .map(({ name, args, block }) => {
      const head = [name, ...args.map(quote)].join(" ");
      return block ? `${indent}${head} {\n${formatNginx(block, `${indent}  `)}${indent}}\n` : `${indent}${head};\n`;
    })
    .join("");
}

/** The directives named `name` in `directives`, and, with `deep`, in every block below them too. */
export function directivesNamed(directives: NginxDirective[], name: string, deep = false): NginxDirective[] {
  return directives.flatMap((directive) => [
    ...(directive.name === name ? [directive] : []),
    ...(deep && directive.block ? directivesNamed(directive.block, name, true) : []),
  ]);
}
