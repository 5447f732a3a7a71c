import { readFileSync } from "node:fs";
import { join } from "node:path";
import { variables } from "@inkstone/config";
import { describe, expect, it } from "vitest";
import { renderEnvExample, withEnvTable } from "../env-docs.ts";
import { ROOT } from "../stack/paths.ts";

describe("configuration docs", () => {
  it(".env.example is generated from config's schema and up to date (run `node scripts/env-docs.ts --write`)", () => {
    expect(readFileSync(join(ROOT, ".env.example"), "utf8")).toBe(renderEnvExample());
  });

  it("the README's variable table is up to date and names every variable", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toBe(withEnvTable(readme));
    for (const name of Object.keys(variables)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
