import { LOCALES, SERVICE_VARIABLES, type VariableName, variables } from "@inkstone/config";
import { createMarkdownRenderer } from "vitepress";
import { describe, expect, it } from "vitest";
import {
  type ConfigSchema,
  configReferenceBlocks,
  isSecret,
  renderServiceSections,
  renderVariables,
  type VariableSchema,
  variableRows,
} from "../.vitepress/config-reference.ts";
import { generatedBlocks } from "../.vitepress/generated-blocks.ts";

/** A schema field as the reference sees it: optional with a default, optional without one, or required. */
const field = (description: string, accepts: "default" | "unset" | "required" = "default"): VariableSchema => ({
  description,
  safeParse: () => ({ success: accepts !== "required" }),
});

const schema: ConfigSchema = {
  variables: {
    PLAIN_PORT: field("A port."),
    EMPTY_PREFIX: field("A prefix."),
    OPTIONAL_URL: field("Set `it` or not.", "unset"),
    REQUIRED_NAME: field("Must be set.", "required"),
    SESSION_SECRET: field("Signs sessions.", "required"),
    DEV_TOKEN: field("Has a default, but it is a secret."),
    TRICKY: field("Markup <script>alert(1)</script> & {{ interpolation }} | pipes"),
  },
  services: { api: ["PLAIN_PORT", "SESSION_SECRET"], web: ["PLAIN_PORT", "TRICKY"] },
  defaults: { PLAIN_PORT: "8080", EMPTY_PREFIX: "", DEV_TOKEN: "hunter2-default-token" },
};

describe("the configuration reference", () => {
  it.each([
    ["MEILI_MASTER_KEY", true],
    ["APP_KEYS", true],
    ["API_TOKEN_SALT", true],
    ["JWT_SECRET", true],
    ["CMS_WORKER_TOKEN", true],
    ["ADMIN_PASSWORD", true],
    ["OPENAI_API_KEY", true],
    ["MEILI_INDEX_PREFIX", false],
    ["TEMPORAL_TASK_QUEUE", false],
    ["DATABASE_URL", false],
    ["ADMIN_EMAIL", false],
  ] as const)("treats %s as secret: %s", (name, secret) => {
    expect(isSecret(name)).toBe(secret);
    expect(Object.keys(variables)).toContain(name);
  });

  it("reads each variable's default, whether it is required, and who reads it", () => {
    const rows = Object.fromEntries(variableRows(schema).map((row) => [row.name, row]));
    expect(rows.PLAIN_PORT).toMatchObject({
      fallback: "8080",
      required: false,
      secret: false,
      readers: ["api", "web"],
    });
    expect(rows.OPTIONAL_URL).toMatchObject({ fallback: undefined, required: false, readers: [] });
    expect(rows.REQUIRED_NAME).toMatchObject({ fallback: undefined, required: true });
    expect(rows.SESSION_SECRET).toMatchObject({ required: true, secret: true, readers: ["api"] });
  });

  it.each(LOCALES)("renders a section per variable in %s, never showing a secret's value", (lang) => {
    const markdown = renderVariables(variableRows(schema), lang);
    expect(markdown).toContain("### `PLAIN_PORT` {#PLAIN_PORT}\n");
    expect(markdown).toContain("<code>8080</code>");
    expect(markdown).toContain('<a href="#service-web">web</a>');
    expect(markdown).not.toContain("hunter2");
  });

  it("escapes descriptions, so they can neither add markup nor reach Vue's template compiler", () => {
    const markdown = renderVariables(variableRows(schema), "en");
    expect(markdown).not.toMatch(/<script|\{\{/);
    expect(markdown).toContain(
      "&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#123;&#123; interpolation &#125;&#125; | pipes",
    );
    expect(markdown).toContain("Set <code>it</code> or not.");
  });

  it("refuses a language it has no words for", () => {
    expect(() => renderVariables([], "fr")).toThrow(/unknown language "fr"/);
  });

  it("lists each service's variables, linked to their rows", () => {
    expect(renderServiceSections(schema, "en")).toBe(
      "### api {#service-api}\n\n[`PLAIN_PORT`](#PLAIN_PORT) · [`SESSION_SECRET`](#SESSION_SECRET)\n\n" +
        "### web {#service-web}\n\n[`PLAIN_PORT`](#PLAIN_PORT) · [`TRICKY`](#TRICKY)\n",
    );
  });

  it("covers every variable of @inkstone/config and every service that reads one", () => {
    const rows = variableRows({ variables, services: SERVICE_VARIABLES, defaults: {} });
    expect(rows.map((row) => row.name)).toEqual(Object.keys(variables));
    const read = new Set(Object.values(SERVICE_VARIABLES).flat() as VariableName[]);
    expect(rows.filter((row) => read.has(row.name as VariableName)).every((row) => row.readers.length > 0)).toBe(true);
  });
});

describe("generated blocks in Markdown", () => {
  const render = async (source: string) => {
    const md = await createMarkdownRenderer(import.meta.dirname);
    md.use(generatedBlocks, configReferenceBlocks(schema));
    return md.render(source, {});
  };

  it("replaces a block's directive with its output, headings and all", async () => {
    const html = await render("# Reference\n\n::: config-variables en\n:::\n\n::: config-services en\n:::\n\nAfter.\n");
    expect(html).toContain('<h3 id="PLAIN_PORT" tabindex="-1"><code>PLAIN_PORT</code>');
    expect(html).toContain('<p class="config-description">A port.</p>');
    expect(html).toContain('<h3 id="service-api"');
    expect(html).toContain('<a href="#SESSION_SECRET"><code>SESSION_SECRET</code></a>');
    expect(html).toContain("<p>After.</p>");
    expect(html).not.toContain(":::");
  });

  it("leaves VitePress's own containers alone", async () => {
    const html = await render("::: tip\nA tip.\n:::\n");
    expect(html).toContain('<div class="tip custom-block">');
  });

  it("fails the build on a block in a language it does not know", async () => {
    await expect(render("::: config-variables xx\n:::\n")).rejects.toThrow(/unknown language "xx"/);
  });
});
