import { describe, expect, it } from "vitest";
import { citationProblems, citationsIn, removeSource, studioDraftSchema } from "../src/contracts/studio.ts";
import { checkPreview, previewPath } from "../src/preview.ts";

describe("citations in a creator's draft", () => {
  it("finds each marker and names the ones pointing to no source", () => {
    expect(citationsIn("A [1]. B [3][2].")).toEqual([1, 3, 2]);
    expect(citationProblems("A [1]. B [2].", 2)).toEqual([]);
    expect(citationProblems("A [1]. B [4]. C [4].", 2)).toEqual([
      "[4] points to no source: the article lists 2 (cite [1] to [2])",
    ]);
    expect(citationProblems("A [0].", 1)).toHaveLength(1);
    expect(citationProblems("A [1].", 0)).toEqual(["[1] cites a source, but the article lists none"]);
  });

  it("removing a source drops its markers and renumbers the later ones, touching nothing else", () => {
    const sources = ["a", "b", "c"];
    const { body, sources: left } = removeSource("One [1]. Two [2]. Three [3][2]. Odd : spacing [9].", sources, 2);
    expect(left).toEqual(["a", "c"]);
    expect(body).toBe("One [1]. Two. Three [2]. Odd : spacing [9].");
    expect(citationProblems(body, left.length)).toEqual([
      "[9] points to no source: the article lists 2 (cite [1] to [2])",
    ]);
    expect(removeSource("A [1].", sources, 7)).toEqual({ body: "A [1].", sources });
    expect(removeSource("中文[1]。其次[2]。", ["x", "y"], 1).body).toBe("中文。其次[1]。");
  });

  it("a saved draft needs a title, a body and the version it was read at", () => {
    const bad = studioDraftSchema.safeParse({ title: " ", body: "", version: "yesterday" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join("."))).toEqual(["title", "body", "version"]);
    const good = studioDraftSchema.parse({ title: "T", body: "B [1]", version: "2026-11-30T01:02:03.000Z" });
    expect(good.sources).toEqual([]);
  });
});

describe("preview links", () => {
  const target = { documentId: "abcdefghijklmnopqrstuvwx", locale: "en" };
  const params = (path: string) => new URL(path, "http://x").searchParams;

  it("are valid until they expire, and only for the draft they name", () => {
    const now = 1_800_000_000_000;
    const path = previewPath("secret", target, now, 60_000);
    expect(path.startsWith("/en/preview/abcdefghijklmnopqrstuvwx?expires=")).toBe(true);
    const q = params(path);
    expect(checkPreview("secret", target, q.get("expires"), q.get("signature"), now)).toBe("valid");
    expect(checkPreview("secret", target, q.get("expires"), q.get("signature"), now + 61_000)).toBe("expired");
    expect(checkPreview("other", target, q.get("expires"), q.get("signature"), now)).toBe("invalid");
    expect(checkPreview("secret", { ...target, locale: "zh-CN" }, q.get("expires"), q.get("signature"), now)).toBe(
      "invalid",
    );
    const later = String(Number(q.get("expires")) + 3600);
    expect(checkPreview("secret", target, later, q.get("signature"), now)).toBe("invalid");
    expect(checkPreview("secret", target, null, q.get("signature"), now)).toBe("invalid");
    expect(checkPreview("secret", target, "1e9", "x", now)).toBe("invalid");
  });
});
