import { LOCALES, type Locale } from "@inkstone/config";
import { checkSourceUrl, type SourceUrlProblem } from "@inkstone/workflows/sources";
import type { Form } from "./endpoint.ts";
import { env } from "./env.ts";
import { t } from "./i18n/index.ts";

/**
 * The `/write` form, checked field by field with messages in the member's language. The limits mirror
 * `generationInputSchema` in @inkstone/workflows/client, which re-checks everything when the run starts; once that
 * module is wired in (src/lib/generation.ts), its schema stays the authority and this only words the messages.
 */

export const LIMITS = {
  topic: 200,
  idea: 5000,
  material: 50_000,
  style: 300,
  urls: 20,
  files: 10,
  length: { min: 300, max: 6000, default: 1200 },
} as const;

export type GenerationRequest = {
  topic: string;
  idea: string;
  references: string;
  files: { name: string; content: string }[];
  urls: string[];
  language: Locale;
  targetLength: number;
  style: string;
  model?: string;
  webSearch: boolean;
};

export type Checked =
  | { ok: true; request: GenerationRequest }
  | { ok: false; fields: Record<string, string>; values: Record<string, string> };

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && value.length <= 2048;
  } catch {
    // Does not parse as a URL: the field message says so.
    return false;
  }
};

/** How long the form waits for a source's host name to resolve; a resolver slower than this is not the creator's fault. */
const RESOLVE_TIMEOUT_MS = 2000;

/**
 * The first source URL the worker would refuse, worded for the `urls` field: by the worker's own rule (scheme,
 * private and never-read addresses, names that do not resolve; private ones pass when FETCH_ALLOW_PRIVATE is set).
 * The lookups run together, each for at most two seconds; a resolver that fails or is slow lets the URL through,
 * and the run reports it if it cannot be read.
 */
export async function sourceUrlProblem(urls: readonly string[], locale: Locale): Promise<string | undefined> {
  const allowPrivate = env().FETCH_ALLOW_PRIVATE;
  const problems = await Promise.all(
    urls.map((url) => checkSourceUrl(url, { allowPrivate, timeoutMs: RESOLVE_TIMEOUT_MS })),
  );
  const index = problems.findIndex(Boolean);
  const problem = problems[index];
  const url = urls[index];
  return problem && url ? wordProblem(problem, url.slice(0, 100), locale) : undefined;
}

function wordProblem(problem: SourceUrlProblem, line: string, locale: Locale): string {
  const f = t(locale).generation.form;
  switch (problem.reason) {
    case "private-address":
      return f.privateAddress(line);
    case "forbidden-address":
      return f.forbiddenAddress(line);
    case "credentials":
      return f.credentials(line);
    case "unresolvable":
      return f.unresolvable(line, problem.host);
    default:
      return t(locale).write.errors.url(line);
  }
}

/**
 * Validates the submitted form (uploaded files already read as text): every field by its limits, then the source
 * URLs by the worker's rule (see sourceUrlProblem). `webSearch` is passed on as sent, even when no provider is
 * configured and the form did not offer it: the run then says web search was not available.
 */
export async function checkGenerationForm(
  form: Form,
  files: { name: string; content: string }[],
  locale: Locale,
): Promise<Checked> {
  const e = t(locale).write.errors;
  const fields: Record<string, string> = {};
  const topic = form.get("topic").trim();
  const idea = form.get("idea").trim();
  const references = form.get("references");
  const style = form.get("style").trim();
  const model = form.get("model").trim();
  const urlLines = form
    .get("urls")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const language = (LOCALES as readonly string[]).includes(form.get("language"))
    ? (form.get("language") as Locale)
    : locale;
  const lengthText = form.get("targetLength").trim();
  const targetLength = lengthText ? Number(lengthText) : LIMITS.length.default;

  if (!topic) fields.topic = e.topic;
  else if (topic.length > LIMITS.topic) fields.topic = e.tooLong(LIMITS.topic);
  if (idea.length > LIMITS.idea) fields.idea = e.tooLong(LIMITS.idea);
  if (style.length > LIMITS.style) fields.style = e.tooLong(LIMITS.style);
  if (model && !/^[\w.:/@-]{1,100}$/.test(model)) fields.model = e.model;
  if (!Number.isInteger(targetLength) || targetLength < LIMITS.length.min || targetLength > LIMITS.length.max)
    fields.targetLength = e.length;
  const badUrl = urlLines.find((line) => !isHttpUrl(line));
  if (badUrl) fields.urls = e.url(badUrl.slice(0, 100));
  else if (urlLines.length > LIMITS.urls) fields.urls = e.tooManyUrls;
  else {
    const problem = await sourceUrlProblem([...new Set(urlLines)], locale);
    if (problem) fields.urls = problem;
  }
  if (files.length > LIMITS.files || files.some((f) => !/\.(md|markdown|txt)$/i.test(f.name))) fields.files = e.files;
  const material = references.length + files.reduce((sum, f) => sum + f.content.length, 0);
  if (!fields.files && material > LIMITS.material) fields.references = e.material;

  if (Object.keys(fields).length)
    return {
      ok: false,
      fields,
      values: {
        topic,
        idea,
        references: references.slice(0, 4000),
        style,
        model,
        urls: urlLines.join("\n"),
        targetLength: lengthText,
        language,
      },
    };
  return {
    ok: true,
    request: {
      topic,
      idea,
      references,
      files,
      urls: [...new Set(urlLines)],
      language,
      targetLength,
      style,
      ...(model ? { model } : {}),
      webSearch: form.get("webSearch") === "on" || form.get("webSearch") === "true",
    },
  };
}
