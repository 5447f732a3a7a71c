import { LOCALES } from "@inkstone/config";
import { z } from "zod";
import { SearchError } from "./errors.ts";

export const MAX_QUERY_LENGTH = 200;
export const MAX_LIMIT = 50;
export const DEFAULT_LIMIT = 20;
export const MAX_PAGE = 1000;
export const SORTS = ["relevance", "newest", "most-liked"] as const;
export type SearchSort = (typeof SORTS)[number];

/** Forms and query strings send "" for an untouched field: that means "not set", not "match the empty string". */
const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const filterValue = z
  .string({ error: "must be text" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" });

const dateBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "must be a date (YYYY-MM-DD) or an ISO 8601 date-time",
});

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** What the community may ask of the search: parsed from a query string or a JSON body. */
export const searchParamsSchema = z
  .strictObject({
    q: z
      .string({ error: "must be text" })
      .trim()
      .max(MAX_QUERY_LENGTH, { error: `is too long: at most ${MAX_QUERY_LENGTH} characters` })
      .default(""),
    /** Articles carrying every one of these tag slugs. */
    tags: z
      .preprocess(
        (value) => (typeof value === "string" ? [value] : value),
        z.array(filterValue).max(10, { error: "at most 10 tags" }),
      )
      .default([]),
    category: optional(filterValue),
    /** An author's handle. */
    author: optional(filterValue),
    language: optional(z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` })),
    /** Published on or after (a date means from its first second, UTC). */
    from: optional(dateBound),
    /** Published on or before (a date means up to its last second, UTC). */
    to: optional(dateBound),
    sort: z.preprocess(
      blankToUndefined,
      z.enum(SORTS, { error: `must be one of ${SORTS.join(", ")}` }).default("relevance"),
    ),
    page: z.preprocess(blankToUndefined, wholeNumber(1, MAX_PAGE).default(1)),
    limit: z.preprocess(blankToUndefined, wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT)),
  })
  .refine((params) => !params.from || !params.to || toUnixSeconds(params.from) <= toUnixSeconds(params.to, true), {
    error: "must not be after to",
    path: ["from"],
  });

export type SearchParams = z.output<typeof searchParamsSchema>;
export type SearchParamsInput = z.input<typeof searchParamsSchema>;

/** Validates search parameters; throws `invalid_search_params` (400) with a message a person can act on. */
export function parseSearchParams(input: unknown): SearchParams {
  const parsed = searchParamsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw invalidParams(parsed.error, "search");
}

/** `invalid_search_params` (400) listing every problem by parameter, e.g. "Invalid search: q: is too long…". */
export function invalidParams(error: z.ZodError, what: string): SearchError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.join(".") || "(params)",
    message: issue.code === "unrecognized_keys" ? `unknown parameter ${issue.keys.join(", ")}` : issue.message,
  }));
  const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return new SearchError("invalid_search_params", `Invalid ${what}: ${message}.`, { issues });
}

/** The known parameters from a URL's query string (`tags` may repeat); anything else is ignored. */
export function searchParamsFromUrl(query: URLSearchParams): Record<string, string | string[]> {
  const picked: Record<string, string | string[]> = {};
  for (const key of Object.keys(searchParamsSchema.shape)) {
    const values = query.getAll(key).filter((value) => value !== "");
    if (values.length > 0) picked[key] = key === "tags" ? values : (values[0] as string);
  }
  return picked;
}

/** A `from`/`to` bound in unix seconds; a bare date ends at 23:59:59 UTC when it is the upper bound. */
export function toUnixSeconds(bound: string, upper = false): number {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(bound);
  const ms = Date.parse(isDate ? `${bound}T00:00:00Z` : bound);
  return Math.floor(ms / 1000) + (isDate && upper ? 86_399 : 0);
}
