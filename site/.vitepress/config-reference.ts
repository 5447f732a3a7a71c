import { type Locale, SERVICE_VARIABLES, variableDefaults, variables } from "@inkstone/config";

/** What the reference needs from one variable's zod schema. */
export type VariableSchema = {
  description?: string | undefined;
  safeParse(value: undefined): { success: boolean };
};

/** One entry of the reference: a variable as the schema defines it. */
export type VariableRow = {
  name: string;
  description: string;
  /** The default as the string a process would be given; undefined when there is none. */
  fallback: string | undefined;
  /** No default, and the schema refuses it unset: a service that reads it will not start without it. */
  required: boolean;
  /** Its value is never printed, not even a default. */
  secret: boolean;
  /** The services that read it, in the order SERVICE_VARIABLES lists them. */
  readers: string[];
};

export type ConfigSchema = {
  variables: Record<string, VariableSchema>;
  services: Record<string, readonly string[]>;
  defaults: Partial<Record<string, string>>;
};

// The schema has no secret flag; every secret Inkstone reads is named like one (MEILI_MASTER_KEY, APP_KEYS,
// JWT_SECRET, CMS_WORKER_TOKEN, API_TOKEN_SALT, ADMIN_PASSWORD…).
const SECRET_NAME = /(^|_)(KEY|KEYS|SECRET|TOKEN|PASSWORD|SALT)$/;

/** Whether a variable holds a secret, judged by its name. */
export const isSecret = (name: string): boolean => SECRET_NAME.test(name);

/** Every variable, in the schema's order, with its default, whether it is required or secret, and who reads it. */
export function variableRows({ variables, services, defaults }: ConfigSchema): VariableRow[] {
  return Object.entries(variables).map(([name, schema]) => ({
    name,
    description: schema.description ?? "",
    fallback: defaults[name],
    required: !schema.safeParse(undefined).success,
    secret: isSecret(name),
    readers: Object.keys(services).filter((service) => services[service]?.includes(name)),
  }));
}

type Labels = {
  /** Before a default value. */
  fallback: string;
  /** Instead of a default, for an optional variable without one. */
  noFallback: string;
  empty: string;
  required: string;
  secret: string;
  /** Before the services that read a variable. */
  readBy: string;
  /** Instead, when no service is given the variable. */
  readByNone: string;
  /** Between two service names. */
  separator: string;
  services: Partial<Record<string, string>>;
};

// The schema's descriptions are English; these are the words around them.
const LABELS: Record<Locale, Labels> = {
  "zh-CN": {
    fallback: "默认值：",
    noFallback: "无默认值",
    empty: "空字符串",
    required: "必填",
    secret: "密钥",
    readBy: "读取者：",
    readByNone: "不传给任何服务",
    separator: "、",
    services: {
      cms: "CMS（Strapi）",
      community: "社区（Astro）",
      worker: "生成 worker",
      site: "文档站（构建时）",
      launcher: "启动器（npm start）",
    },
  },
  en: {
    fallback: "Default: ",
    noFallback: "No default",
    empty: "empty string",
    required: "required",
    secret: "secret",
    readBy: "Read by: ",
    readByNone: "Not passed to any service",
    separator: ", ",
    services: {
      cms: "CMS (Strapi)",
      community: "Community (Astro)",
      worker: "Generation worker",
      site: "Docs site (at build time)",
      launcher: "Launcher (npm start)",
    },
  },
};

function labelsFor(lang: string): Labels {
  const labels = LABELS[lang as Locale];
  if (!labels) throw new Error(`config reference: unknown language "${lang}" (expected ${Object.keys(LABELS)})`);
  return labels;
}

const escapeHtml = (text: string) => text.replace(/[&<>"'{}]/g, (char) => `&#${char.charCodeAt(0)};`);

/** A description as HTML: escaped, with `backticks` as code. */
const inlineHtml = (text: string) =>
  text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : escapeHtml(part)))
    .join("");

const badge = (kind: "danger" | "warning", text: string) => `<span class="VPBadge ${kind}">${text}</span>`;

/** The default, or what stands for it: a secret's value is never shown, not even a default. */
function fallbackHtml(row: VariableRow, labels: Labels): string {
  if (row.secret) return (row.required ? badge("danger", labels.required) : "") + badge("warning", labels.secret);
  if (row.fallback === "") return `${labels.fallback}<em>${labels.empty}</em>`;
  if (row.fallback !== undefined) return `${labels.fallback}<code>${escapeHtml(row.fallback)}</code>`;
  return row.required ? badge("danger", labels.required) : labels.noFallback;
}

function readersHtml(row: VariableRow, labels: Labels): string {
  if (row.readers.length === 0) return labels.readByNone;
  return labels.readBy + row.readers.map((s) => `<a href="#service-${s}">${s}</a>`).join(labels.separator);
}

/**
 * A section per variable: a heading whose anchor is the variable's name (`configuration#DATABASE_URL`), so each one
 * can be linked to and is a result of its own in the local search; then its default and readers, and what it does.
 * Everything taken from the schema is escaped HTML, so no description can add markup or reach Vue's compiler.
 */
export function renderVariables(rows: VariableRow[], lang: string): string {
  const labels = labelsFor(lang);
  return rows
    .map((row) =>
      [
        `### \`${row.name}\` {#${row.name}}`,
        "",
        `<p class="config-variable"><span class="config-default">${fallbackHtml(row, labels)}</span> · ` +
          `<span class="config-readers">${readersHtml(row, labels)}</span></p>`,
        `<p class="config-description">${inlineHtml(row.description)}</p>`,
        "",
      ].join("\n"),
    )
    .join("\n");
}

/** One Markdown section per service, listing what it reads, each name linking to its own section. */
export function renderServiceSections(schema: ConfigSchema, lang: string): string {
  const labels = labelsFor(lang);
  return Object.entries(schema.services)
    .map(([service, names]) => {
      const heading = `### ${labels.services[service] ?? service} {#service-${service}}`;
      return `${heading}\n\n${names.map((name) => `[\`${name}\`](#${name})`).join(" · ")}\n`;
    })
    .join("\n");
}

/** Checks that every variable name is safe to use as an HTML id and in Markdown without escaping. */
function assertPlainNames(schema: ConfigSchema): void {
  for (const name of [...Object.keys(schema.variables), ...Object.keys(schema.services)]) {
    if (!/^[A-Za-z][\w-]*$/.test(name)) throw new Error(`config reference: "${name}" is not a plain identifier`);
  }
}

/** Inkstone's own configuration, as `@inkstone/config` defines it. */
export const inkstoneConfig = (): ConfigSchema => ({
  variables,
  services: SERVICE_VARIABLES,
  defaults: variableDefaults(),
});

/** The blocks a page writes as `::: config-variables <lang>` and `::: config-services <lang>`. */
export function configReferenceBlocks(schema: ConfigSchema): Record<string, (lang: string) => string> {
  assertPlainNames(schema);
  return {
    "config-variables": (lang) => renderVariables(variableRows(schema), lang),
    "config-services": (lang) => renderServiceSections(schema, lang),
  };
}
