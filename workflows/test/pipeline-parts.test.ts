import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { classifyAddress, FetchRefused, guardedLookup } from "../src/fetch/address-policy.ts";
import { createPageFetcher } from "../src/fetch/guarded-fetch.ts";
import { checkSourceUrl, type Lookup } from "../src/fetch/source-check.ts";
import { generationInputSchema, runIdFor } from "../src/generation/request.ts";
import { isInLanguage } from "../src/llm/language.ts";
import { costUsd } from "../src/llm/pricing.ts";
import { stripThinking } from "../src/llm/think.ts";
import type { ReadSource } from "../src/research/types.ts";
import { assembleArticle } from "../src/writer/citations.ts";

// The pipeline's pure parts, by table. The end-to-end behaviour is in generation-*.test.ts.

describe.each([
  ["8.8.8.8", false, true],
  ["2606:4700::1111", false, true],
  ["127.0.0.1", false, false],
  ["127.0.0.1", true, true],
  ["::1", false, false],
  ["10.1.2.3", false, false],
  ["192.168.0.10", true, true],
  ["fd12::1", false, false],
  ["169.254.169.254", false, false],
  ["169.254.169.254", true, false],
  ["fe80::1", true, false],
  ["0.0.0.0", true, false],
  ["::ffff:127.0.0.1", false, false],
  ["64:ff9b::a00:1", true, false],
  ["224.0.0.1", true, false],
])("the SSRF guard on %s (private allowed: %s)", (address, allowPrivate, allowed) => {
  it(allowed ? "lets it through" : "refuses it with a reason", () => {
    const verdict = classifyAddress(address, allowPrivate);
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) expect(verdict.reason).toMatch(/ is (a|an|the) /);
    // Said to creators: no configuration hints (those go to the operator's log).
    if (!verdict.allowed) expect(verdict.reason).not.toContain("FETCH_ALLOW_PRIVATE");
  });
});

describe("the SSRF guard at connect time", () => {
  it("refuses a host name that resolves to loopback, whatever the caller checked before", async () => {
    const error = await new Promise<unknown>((resolve) =>
      guardedLookup(false)("localhost", {}, (err: unknown) => resolve(err)),
    );
    expect(error).toBeInstanceOf(FetchRefused);
    expect((error as Error).message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
  });

  it("never connects to a loopback server when private addresses are off, and reads it when they are on", async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { "content-type": "text/plain" }).end("hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
    const signal = new AbortController().signal;
    try {
      const closed = createPageFetcher({ allowPrivate: false, timeoutMs: 2000, maxBytes: 1000 });
      await expect(closed.fetchPage(url, signal)).rejects.toBeInstanceOf(FetchRefused);
      await closed.close();
      expect(requests).toBe(0);
      const open = createPageFetcher({ allowPrivate: true, timeoutMs: 2000, maxBytes: 1000 });
      expect((await open.fetchPage(url, signal)).body).toBe("hello");
      await open.close();
    } finally {
      server.close();
    }
  });
});

describe("checking a source URL before anything is fetched (the /write form and the worker share it)", () => {
  /** A resolver answering from a table: an address list, or a getaddrinfo error code. */
  const resolver =
    (table: Record<string, string[] | string>): Lookup =>
    async (host) => {
      const answer = table[host];
      if (Array.isArray(answer)) return answer.map((address) => ({ address }));
      throw Object.assign(new Error(`lookup ${host}`), { code: answer ?? "ENOTFOUND" });
    };
  const lookup = resolver({
    "public.example": ["93.184.216.34"],
    "intranet.example": ["10.0.0.7"],
    "metadata.example": ["169.254.169.254"],
    "flaky.example": "EAI_AGAIN",
    "broken.example": "ESERVFAIL",
  });
  const check = (url: string, allowPrivate = false, options: { lookup?: Lookup; timeoutMs?: number } = {}) =>
    checkSourceUrl(url, { allowPrivate, timeoutMs: options.timeoutMs ?? 1000, lookup: options.lookup ?? lookup });

  it.each([
    ["https://public.example/a", false, undefined],
    ["https://intranet.example/a", false, "private-address"],
    ["https://intranet.example/a", true, undefined],
    ["http://127.0.0.1:8080/", false, "private-address"],
    ["http://[::1]/", true, undefined],
    ["https://metadata.example/", true, "forbidden-address"],
    ["http://169.254.169.254/latest/", true, "forbidden-address"],
    ["https://nope.invalid/", false, "unresolvable"],
    ["ftp://public.example/file", false, "scheme"],
    ["https://user:secret@public.example/", false, "credentials"],
  ])("%s (private allowed: %s) → %s", async (url, allowPrivate, reason) => {
    const problem = await check(url, allowPrivate);
    expect(problem?.reason).toBe(reason);
    if (problem) expect(problem.message).not.toContain("FETCH_ALLOW_PRIVATE");
  });

  it("lets a URL through when the resolver itself fails or is slow: not the creator's fault, the run reports it", async () => {
    expect(await check("https://flaky.example/")).toBeUndefined();
    expect(await check("https://broken.example/")).toBeUndefined();
    const never: Lookup = () => new Promise(() => {});
    const started = Date.now();
    expect(await check("https://slow.example/", false, { lookup: never, timeoutMs: 200 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("names the host that does not resolve", async () => {
    expect(await check("https://nope.invalid/path")).toMatchObject({ reason: "unresolvable", host: "nope.invalid" });
  });
});

describe("citations", () => {
  const source = (n: number): ReadSource => ({
    url: `https://example.org/${n}`,
    title: `Source ${n}`,
    text: "",
    origin: "creator",
  });
  const sources = [source(1), source(2), source(3)];

  it("drops numbers that name no read source, renumbers by first use, and lists exactly the cited sources", () => {
    const article = assembleArticle({
      sections: [
        { heading: "One [2]", text: "Claim [3]. Another [1, 3]. Invented [9]. Range [1-2]." },
        { heading: "Two", text: "Link [text](https://x.org) and code `[4]`\n```\nlist[0] = [5]\n```\nMore [2][99]." },
      ],
      sources,
    });
    // Side-by-side markers are merged in order ("[2][1]" would read as a stray).
    expect(article.body).toContain("## One\n\nClaim [1]. Another [1][2]. Invented. Range [2][3].");
    expect(article.body).toContain("list[0] = [5]");
    expect(article.body).toContain("More [3].");
    expect(article.sources.map((s) => s.url)).toEqual([
      "https://example.org/3",
      "https://example.org/1",
      "https://example.org/2",
    ]);
    // The sources are the article's list (each page shows them after the body): the body holds none.
    expect(article.body).not.toContain("## Sources");
    expect(article.dropped).toBe(3);
  });

  it("lists no source when nothing is cited, and writes no note about the writer into the body", () => {
    const article = assembleArticle({ sections: [{ heading: "概述", text: "没有引用。" }], sources });
    expect(article.body).toBe("## 概述\n\n没有引用。\n");
    expect(article.sources).toEqual([]);
  });
});

describe.each([
  ["<think>plan</think>Answer", "Answer"],
  ["Answer<think>unfinished", "Answer"],
  ["reasoning without its opening tag</think>\nAnswer", "Answer"],
  ["<THINK>a</THINK>A<think>b</think>B", "AB"],
])("stripping reasoning from %j", (input, output) => {
  it(`leaves ${JSON.stringify(output)}`, () => expect(stripThinking(input)).toBe(output));
});

describe.each([
  ["潮汐能是一种可再生能源，工程师会权衡成本 [1]。", "zh-CN", true],
  ["Tidal power is predictable [1].", "zh-CN", false],
  ["Tidal power is predictable [1].", "en", true],
  ["潮汐能是一种可再生能源。", "en", false],
] as const)("the language check on %j", (text, language, ok) => {
  it(`${ok ? "accepts" : "rejects"} it as ${language}`, () => expect(isInLanguage(text, language)).toBe(ok));
});

describe("prices", () => {
  it("prices known models, vendor-prefixed and dated names, and counts unknown ones as free", () => {
    expect(costUsd("gpt-4o-mini", 1_000_000, 1_000_000)).toBeCloseTo(0.75);
    expect(costUsd("openai/gpt-4o-mini-2024-07-18", 1_000_000, 0)).toBeCloseTo(0.15);
    expect(costUsd("gpt-4o", 1_000_000, 0)).toBeCloseTo(2.5);
    expect(costUsd("qwen3:8b", 1_000_000, 1_000_000)).toBe(0);
  });
});

describe("generation requests", () => {
  const base = { creatorId: "abc123", topic: "Tidal energy", urls: ["https://example.org/a"] };

  it("gives the same run id to the same request, however it is spaced or ordered", () => {
    const a = generationInputSchema.parse(base);
    const b = generationInputSchema.parse({
      urls: ["https://example.org/a", "https://example.org/a"],
      topic: "  Tidal   energy ",
      creatorId: "abc123",
    });
    expect(runIdFor(a)).toBe(runIdFor(b));
    expect(runIdFor(a)).toMatch(/^gen-abc123-[\w-]{22}$/);
    expect(runIdFor(generationInputSchema.parse({ ...base, language: "en" }))).not.toBe(runIdFor(a));
    expect(runIdFor(generationInputSchema.parse({ ...base, creatorId: "other" }))).not.toBe(runIdFor(a));
  });

  it.each([
    ["no topic", { ...base, topic: " " }, /topic/],
    ["a topic over 200 characters", { ...base, topic: "x".repeat(201) }, /topic/],
    [
      "more than 20 URLs",
      { ...base, urls: Array.from({ length: 21 }, (_, i) => `https://e.org/${i}`) },
      /20 source URLs/,
    ],
    ["a non-web URL", { ...base, urls: ["ftp://e.org/a"] }, /http or https/],
    [
      "over 50,000 characters of material",
      { ...base, references: "x".repeat(30_000), files: [{ name: "a.md", content: "y".repeat(20_001) }] },
      /limit is 50000/,
    ],
    ["a file that is not text", { ...base, files: [{ name: "a.pdf", content: "x" }] }, /\.md/],
    ["an unknown field", { ...base, admin: true }, /admin/],
    ["a creator id with query syntax", { ...base, creatorId: 'x" OR 1=1' }, /letters, digits/],
  ])("refuses %s", (_name, input, message) => {
    const result = generationInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});
