import { describe, expect, it } from "vitest";
import { buildFilter, parseSearchParams, quoteFilterValue, SearchError, searchParamsFromUrl } from "../src/index.ts";

describe("parseSearchParams", () => {
  it("fills defaults", () => {
    expect(parseSearchParams({})).toEqual({ q: "", tags: [], sort: "relevance", page: 1, limit: 20 });
  });

  it("reads strings from a query string and ignores blanks and unknown parameters", () => {
    const url = new URLSearchParams("q=%20ai%20&tags=a&tags=b&page=2&limit=10&category=&utm_source=x");
    expect(parseSearchParams(searchParamsFromUrl(url))).toEqual({
      q: "ai",
      tags: ["a", "b"],
      sort: "relevance",
      page: 2,
      limit: 10,
    });
  });

  it.each([
    ["q too long", { q: "x".repeat(201) }, "q: is too long: at most 200 characters"],
    ["limit too big", { limit: 51 }, "limit: must be at most 50"],
    ["page below 1", { page: 0 }, "page: must be at least 1"],
    ["page not a number", { page: "two" }, "page: must be a number"],
    ["unknown sort", { sort: "random" }, "sort: must be one of relevance, newest, most-liked"],
    ["unknown language", { language: "fr" }, "language: must be one of zh-CN, en"],
    ["not a date", { from: "yesterday" }, "from: must be a date"],
    ["reversed range", { from: "2024-02-01", to: "2024-01-01" }, "from: must not be after to"],
    ["unknown field", { sortt: "newest" }, "unknown parameter sortt"],
    ["too many tags", { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags: at most 10 tags"],
  ])("%s → 400 invalid_search_params", (_name, input, message) => {
    const error = catchError(() => parseSearchParams(input));
    expect(error).toBeInstanceOf(SearchError);
    expect(error).toMatchObject({ code: "invalid_search_params", status: 400 });
    expect(error.message).toContain(message);
    expect(error.toJSON()).toEqual({ code: "invalid_search_params", message: error.message });
  });
});

describe("filters quote user values", () => {
  it.each([
    ["plain", "ai", '"ai"'],
    ["a quote cannot close the string", 'x" OR author = "y', '"x\\" OR author = \\"y"'],
    ["a trailing backslash cannot escape the closing quote", "a\\", '"a\\\\"'],
  ])("%s", (_name, value, quoted) => {
    expect(quoteFilterValue(value)).toBe(quoted);
  });

  it("ANDs every filter, each in parentheses, and makes dates inclusive", () => {
    const filter = buildFilter(
      parseSearchParams({ tags: ["a", "b"], author: "bob", language: "en", from: "2024-01-01", to: "2024-01-31" }),
    );
    expect(filter).toBe(
      '(tags = "a") AND (tags = "b") AND (author = "bob") AND (language = "en") AND ' +
        `(publishedAt >= ${Date.UTC(2024, 0, 1) / 1000}) AND (publishedAt <= ${Date.UTC(2024, 0, 31, 23, 59, 59) / 1000})`,
    );
  });
});

function catchError(run: () => unknown): SearchError {
  try {
    run();
  } catch (error) {
    return error as SearchError;
  }
  throw new Error("expected an error");
}
