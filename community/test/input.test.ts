import { describe, expect, it } from "vitest";
import { readForm } from "../src/lib/endpoint.ts";
import {
  controlIn,
  decodeComponent,
  jsonProblem,
  parseUrlEncoded,
  readBody,
  urlProblem,
  utf8,
} from "../src/lib/security/input.ts";

const url = (pathAndQuery: string) => new URL(`https://community.example${pathAndQuery}`);

/** A body sent in chunks, with no Content-Length (as `Transfer-Encoding: chunked` arrives). */
function chunked(totalBytes: number, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

const post = (body: BodyInit | ReadableStream<Uint8Array>, type: string, headers: Record<string, string> = {}) =>
  new Request("https://community.example/api/comments", {
    method: "POST",
    body,
    headers: { "content-type": type, ...headers },
    duplex: "half",
  } as RequestInit);

describe("control characters", () => {
  it.each([
    ["a null byte", "a\u0000b", false, "U+0000"],
    ["a bell", "\u0007", true, "U+0007"],
    ["an escape", "x\u001b[31m", true, "U+001B"],
    ["DEL", "\u007f", true, "U+007F"],
    ["a C1 control", "\u0085", true, "U+0085"],
    ["a line feed on one line", "a\nb", false, "U+000A"],
    ["a tab on one line", "a\tb", false, "U+0009"],
  ])("finds %s", (_name, value, multiline, expected) => {
    expect(controlIn(value, { multiline })).toBe(expected);
  });

  it.each([
    ["line breaks and tabs in multi-line text", "line one\r\nline two\ttabbed", true],
    ["Chinese, emoji and accents", "墨石 ✍️ café", false],
    ["an empty string", "", false],
  ])("lets through %s", (_name, value, multiline) => {
    expect(controlIn(value, { multiline })).toBeUndefined();
  });
});

describe("percent-decoding", () => {
  it("decodes strictly: broken escapes and bytes that are not UTF-8 are refused", () => {
    expect(decodeComponent("caf%C3%A9+au+lait", { plusIsSpace: true })).toBe("café au lait");
    expect(decodeComponent("a+b", { plusIsSpace: false })).toBe("a+b");
    for (const raw of ["%", "%G1", "%FF", "%C3", "%E0%A4%A", "%ED%A0%80"])
      expect(decodeComponent(raw, { plusIsSpace: true }), raw).toBeUndefined();
  });
});

describe("a URL's path and query", () => {
  it.each([
    ["a null byte in a path segment", "/en/a/x%00y", { kind: "control", where: "path" }],
    ["a line feed in a path segment", "/en/tags/a%0Ab", { kind: "control", where: "path" }],
    ["broken encoding in the path", "/en/a/%E0%A4%A", { kind: "encoding", where: "path" }],
    ["a null byte in the search", "/en/search?q=%00", { kind: "control", where: "q" }],
    ["a tab in a filter", "/en/search?author=a%09b", { kind: "control", where: "author" }],
    ["a control character in a parameter's name", "/en/search?a%01=1", { kind: "control", where: "a parameter name" }],
    ["invalid UTF-8 in the page number", "/en/?page=%FF", { kind: "encoding", where: "page" }],
  ])("refuses %s", (_name, address, expected) => {
    expect(urlProblem(url(address))).toMatchObject(expected);
  });

  it.each([
    "/en/",
    "/zh-CN/tags/%E8%8C%B6",
    "/en/search?q=tea+and+notes&tags=a&tags=b&sort=newest",
    "/en/search?q=100%25",
    "/en/a/some-article?utm_source=feed",
  ])("lets %s through", (address) => {
    expect(urlProblem(url(address))).toBeUndefined();
  });
});

describe("form bodies", () => {
  it("parses url-encoded text strictly, keeping repeated fields and multi-line values", () => {
    const parsed = parseUrlEncoded("body=line+1%0D%0Aline+2&ids=a&ids=b&empty=&flag", { multiline: true });
    expect("fields" in parsed && Object.fromEntries(parsed.fields)).toEqual({
      body: ["line 1\r\nline 2"],
      ids: ["a", "b"],
      empty: [""],
      flag: [""],
    });
    expect(parseUrlEncoded("body=a%00b", { multiline: true })).toEqual({
      problem: { kind: "control", where: "body", character: "U+0000" },
    });
    expect(parseUrlEncoded("body=%FF", { multiline: true })).toEqual({ problem: { kind: "encoding", where: "body" } });
  });

  it("finds control characters anywhere in JSON, keys included", () => {
    expect(jsonProblem({ a: "fine\n", b: [1, true, null, { c: "x\u0000" }] })).toEqual({
      kind: "control",
      where: "body.b.3.c",
      character: "U+0000",
    });
    expect(jsonProblem({ "k\u0001": "v" })).toMatchObject({ where: "body.k\u0001" });
    expect(jsonProblem({ a: "tab\tand\r\nbreaks" })).toBeUndefined();
  });

  it("reads UTF-8 and nothing else", () => {
    expect(utf8(new TextEncoder().encode("墨石"))).toBe("墨石");
    expect(utf8(new Uint8Array([0x61, 0xff, 0x62]))).toBeUndefined();
    expect(utf8(new Uint8Array([0xc3]))).toBeUndefined();
  });
});

describe("the body limit", () => {
  it("holds for a chunked body that announces no length, and keeps none of what is past it", async () => {
    expect(await readBody(post(chunked(3_000_000), "text/plain"), 2_000_000)).toEqual({ tooLarge: true });
    const within = await readBody(post(chunked(1_500_000), "text/plain"), 2_000_000);
    expect("bytes" in within && within.bytes.byteLength).toBe(1_500_000);
  });

  it("refuses a declared length past the limit without reading", async () => {
    const request = post("x", "text/plain", { "content-length": "3000000" });
    expect(await readBody(request, 2_000_000)).toEqual({ tooLarge: true });
    expect(request.bodyUsed).toBe(false);
  });
});

describe("readForm", () => {
  it("refuses a 3 MB chunked form as too large", async () => {
    expect(await readForm(post(chunked(3_000_000), "application/x-www-form-urlencoded"))).toEqual({
      kind: "too_large",
    });
  });

  it("says which field holds a control character, and still knows where the form came from", async () => {
    const form = await readForm(post("body=hi%00there&next=%2Fen%2Fa%2Fx", "application/x-www-form-urlencoded"));
    expect(form).toMatchObject({ kind: "invalid_input", problem: { kind: "control", where: "body" } });
    if ("kind" in form && form.kind === "invalid_input") expect(form.form.get("next")).toBe("/en/a/x");
  });

  it.each([
    ["invalid UTF-8", new Uint8Array([0x62, 0x3d, 0xff]), "application/x-www-form-urlencoded"],
    ["JSON that does not parse", "{nope", "application/json"],
    ["a JSON array", "[1,2]", "application/json"],
    ["a content type we do not read", "<x/>", "application/xml"],
    ["multipart without its boundary", "--x\r\n", "multipart/form-data"],
  ])("refuses %s as malformed, saying why", async (_name, body, type) => {
    const form = await readForm(post(body as BodyInit, type));
    expect(form).toMatchObject({ kind: "malformed", reason: expect.any(String) });
  });

  it("reads a browser's multipart form, whose boundary has capitals", async () => {
    const boundary = "----WebKitFormBoundaryQx7AbCdEfGh";
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="topic"',
      "",
      "Tea in Yunnan",
      `--${boundary}`,
      'Content-Disposition: form-data; name="files"; filename="notes.md"',
      "Content-Type: text/markdown",
      "",
      "# Notes",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const form = await readForm(post(body, `multipart/form-data; boundary=${boundary}`));
    expect("get" in form && [form.get("topic"), form.files("files").map((file) => file.name)]).toEqual([
      "Tea in Yunnan",
      ["notes.md"],
    ]);
  });

  it("refuses a control character in JSON and in a multipart field, and reads clean forms", async () => {
    const json = await readForm(post(JSON.stringify({ body: "a\u0000", next: "/en/" }), "application/json"));
    expect(json).toMatchObject({ kind: "invalid_input", problem: { where: "body.body" } });
    const data = new FormData();
    data.append("topic", "tea\u0000");
    const multipart = new Request("https://community.example/api/generation", { method: "POST", body: data });
    expect(await readForm(multipart)).toMatchObject({ kind: "invalid_input", problem: { where: "topic" } });
    const clean = await readForm(post("body=a%0D%0Ab&ids=1&ids=2", "application/x-www-form-urlencoded"));
    expect("get" in clean && [clean.get("body"), clean.all("ids")]).toEqual(["a\r\nb", ["1", "2"]]);
  });
});
