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
