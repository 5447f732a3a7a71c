import {
  citationsIn,
  type Locale,
  removeSource,
  type StudioArticle,
  type StudioDraft,
  studioDraftSchema,
} from "@inkstone/config";
import type { Form } from "../endpoint.ts";
import { t } from "../i18n/index.ts";

/**
 * The draft editor's form: what the member typed (title, summary, body), the sources it carries as hidden fields
 * (`sources.N.title`, `.url`, `.excerpt`) and the version it was read at. Checked with the contract's own schema and
 * citation rule before anything is sent, with messages in the page's language.
 */

export type DraftSource = StudioArticle["sources"][number];
export type DraftForm = { title: string; summary: string; body: string; sources: DraftSource[]; version: string };

/** More than the contract allows, so a form with too many is read whole and refused, not cut silently. */
const MAX_SOURCE_FIELDS = 60;

/** The draft as it is saved, for the form to start from. */
export function draftOf(article: StudioArticle): DraftForm {
  const { title, summary, body, sources, version } = article;
  return {
    title,
    summary,
    body,
    sources: sources.map(({ title, url, excerpt }) => ({ title, url, excerpt })),
    version,
  };
}

/** The draft the form holds. Sources are read in order of their index; a row with nothing in it is skipped. */
export function readDraftForm(form: Form): DraftForm {
  const sources: DraftSource[] = [];
  for (let i = 0; i < MAX_SOURCE_FIELDS; i++) {
    const [title, url, excerpt] = ["title", "url", "excerpt"].map((field) => form.get(`sources.${i}.${field}`));
    if (title || url || excerpt) sources.push({ title: title ?? "", url: url ?? "", excerpt: excerpt ?? "" });
  }
  return {
    title: form.get("title"),
    summary: form.get("summary"),
    // Browsers send a textarea's line breaks as CRLF: kept as the Markdown's own LF.
    body: form.get("body").replace(/\r\n?/g, "\n"),
    sources,
    version: form.get("version"),
  };
}

/** The form's fields as `name → value` (the hidden sources included), to put back into the form. */
export function formValues(draft: DraftForm): Record<string, string> {
  const values: Record<string, string> = { title: draft.title, summary: draft.summary, body: draft.body };
  draft.sources.forEach((source, i) => {
    values[`sources.${i}.title`] = source.title;
    values[`sources.${i}.url`] = source.url;
    values[`sources.${i}.excerpt`] = source.excerpt;
  });
  return values;
}

/** Source `n` (1-based) removed, and the body's citations renumbered so each still points to the same source. */
export function withoutSource(draft: DraftForm, n: number): DraftForm {
  const { body, sources } = removeSource(draft.body, draft.sources, n);
  return { ...draft, body, sources };
}

/** Citations that point to no listed source, each once, in the page's language. */
export function citationMessages(body: string, sourceCount: number, locale: Locale): string[] {
  const e = t(locale).studio.editor.errors;
  // The contract's rule (citationProblems): every [n] within 1..count. Its own messages are English, for the API.
  const outside = [...new Set(citationsIn(body).filter((n) => n < 1 || n > sourceCount))];
  return outside.map((n) => (sourceCount === 0 ? e.citationNone(n) : e.citationOutside(n, sourceCount)));
}

/** Fields the member can fix, by form field: `title`, `summary`, `body`, `sources`, and `version` (reload). */
export type FieldErrors = Record<string, string>;

const FIELDS = ["title", "summary", "body", "sources", "version"] as const;

/** The form's problem with field `name` (a path from the schema or from the CMS), in the page's language. */
function fieldMessage(name: string, locale: Locale): [string, string] | undefined {
  const field = FIELDS.find((f) => name === f || name.startsWith(`${f}.`));
  return field ? [field, t(locale).studio.editor.errors[field]] : undefined;
}

/** What keeps the draft from being saved: the contract's schema and the citation rule; empty when it can be sent. */
export function draftProblems(draft: DraftForm, locale: Locale): { errors: FieldErrors; draft?: StudioDraft } {
  const errors: FieldErrors = {};
  const parsed = studioDraftSchema.safeParse(draft);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const found = fieldMessage(issue.path.map(String).join("."), locale);
      if (found) errors[found[0]] ??= found[1];
    }
  const citations = citationMessages(draft.body, draft.sources.length, locale);
  if (citations.length) errors.body = [errors.body, ...citations].filter(Boolean).join(" ");
  return Object.keys(errors).length || !parsed.success ? { errors } : { errors, draft: parsed.data };
}

/**
 * The CMS's field messages (`title`, `sources.0.url`…) on the form's fields, in the page's language; a citation
 * refused there (the CMS checks the same rule) keeps the CMS's words, which say which [n].
 */
export function cmsFieldErrors(fields: Record<string, string>, locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, message] of Object.entries(fields)) {
    const found = fieldMessage(name, locale);
    if (!found) continue;
    errors[found[0]] ??= found[0] === "body" && /\[\d+\]/.test(message) ? message : found[1];
  }
  return errors;
}
