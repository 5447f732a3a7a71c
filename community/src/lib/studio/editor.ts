import { EDITABLE_REVIEW_STATES, type Locale, type StudioArticle } from "@inkstone/config";
import { CmsError } from "../cms/errors.ts";
import { myStudioArticle, type StudioTarget, saveMyDraft, submitMyArticle } from "../cms/studio.ts";
import type { Form } from "../endpoint.ts";
import { t } from "../i18n/index.ts";
import { failedWith } from "../request-context.ts";
import {
  cmsFieldErrors,
  type DraftForm,
  draftOf,
  draftProblems,
  type FieldErrors,
  readDraftForm,
  withoutSource,
} from "./draft-form.ts";

/**
 * What the draft editor does with its form (a POST to the editor page itself, so a refusal can show the whole text
 * again — a body of up to 200,000 characters cannot travel in a redirect's cookie): preview it, remove a source,
 * save it, or save and submit it. Success redirects (post/redirect/get, with a message); anything else renders the
 * page again with what was typed.
 */

/** The editor page as it is to be rendered. */
export type EditorView = {
  status: number;
  /** Why it was refused (for scripts: `{ error: { code } }`): `invalid`, `stale_version`, `not_editable`… */
  code?: string;
  /** The article as the CMS has it now. */
  article: StudioArticle;
  /** What the form shows: the saved draft, or what the member sent. */
  draft: DraftForm;
  errors: FieldErrors;
  message?: { kind: "ok" | "error"; text: string };
  /** Show the draft in the form as it will look once published. */
  preview: boolean;
  /** After a refused save of an older version: the version saved meanwhile, to compare with. */
  savedMeanwhile?: StudioArticle;
};

export type EditorOutcome = EditorView | { redirect: true; message: string; article: StudioArticle };

export const isEditable = (article: Pick<StudioArticle, "reviewState">): boolean =>
  EDITABLE_REVIEW_STATES.includes(article.reviewState);

/** The editor for the draft as saved. */
export function editorView(article: StudioArticle): EditorView {
  return { status: 200, article, draft: draftOf(article), errors: {}, preview: false };
}

/** Whether the form holds something the saved draft does not. */
export function unsaved(draft: DraftForm, article: StudioArticle): boolean {
  const saved = draftOf(article);
  return (
    draft.title !== saved.title ||
    draft.summary !== saved.summary ||
    draft.body !== saved.body ||
    JSON.stringify(draft.sources) !== JSON.stringify(saved.sources)
  );
}

/** Handles the editor's form for the member's own `article` (already read, so it is theirs). */
export async function editorPost(
  jwt: string,
  target: StudioTarget,
  article: StudioArticle,
  form: Form,
  locale: Locale,
): Promise<EditorOutcome> {
  const e = t(locale).studio.editor;
  let draft = readDraftForm(form);
  const view = (status: number, more: Partial<EditorView> = {}): EditorView => ({
    status,
    article,
    draft,
    errors: {},
    preview: false,
    ...more,
  });

  const remove = Number(form.get("remove"));
  if (form.get("remove")) {
    if (!Number.isInteger(remove) || remove < 1 || remove > draft.sources.length)
      return view(400, { code: "invalid", message: { kind: "error", text: e.fix } });
    draft = withoutSource(draft, remove);
    return view(200, { message: { kind: "ok", text: e.removed(remove) } });
  }

  const intent = form.get("intent");
  const checked = draftProblems(draft, locale);
  if (intent !== "save" && intent !== "submit") return view(200, { preview: true, errors: checked.errors });
  if (!checked.draft)
    return view(400, { code: "invalid", errors: checked.errors, message: { kind: "error", text: e.fix } });

  let saved: StudioArticle;
  try {
    saved = await saveMyDraft(jwt, target, checked.draft);
  } catch (error) {
    return refusedSave(error, jwt, target, view, locale);
  }
  if (intent === "save") return { redirect: true, message: e.saved, article: saved };
  try {
    return { redirect: true, message: e.submitted, article: await submitMyArticle(jwt, target) };
  } catch (error) {
    // Saved, but not submitted: the form shows what was saved, and why it was not sent.
    if (error instanceof CmsError && error.status === 409)
      return { ...editorView(saved), status: 409, code: "wrong_state", message: { kind: "error", text: e.wrongState } };
    throw error;
  }
}

/** A save the CMS refused: its field messages, a newer version (stale), a state that is not editable, or an outage. */
async function refusedSave(
  error: unknown,
  jwt: string,
  target: StudioTarget,
  view: (status: number, more?: Partial<EditorView>) => EditorView,
  locale: Locale,
): Promise<EditorView> {
  const e = t(locale).studio.editor;
  if (!(error instanceof CmsError)) throw error;
  if (error.code === "cms_unavailable" || error.code === "bad_response") {
    failedWith(error);
    return view(503, { code: "cms_unavailable", message: { kind: "error", text: e.unavailable } });
  }
  if (error.status === 400) {
    const errors = cmsFieldErrors(error.fields, locale);
    const text = Object.keys(errors).length ? e.fix : error.message;
    return view(400, { code: "invalid", errors, message: { kind: "error", text } });
  }
  if (error.status === 409) {
    const now = await myStudioArticle(jwt, target);
    if (error.reason === "stale_version") {
      // The form keeps what was typed, now against the version saved meanwhile: saving again replaces it, knowingly.
      const message = { kind: "error" as const, text: e.stale };
      const current = view(409, { code: "stale_version", message, savedMeanwhile: now, article: now });
      return { ...current, draft: { ...current.draft, version: now.version } };
    }
    const text = e.notEditable[now.reviewState];
    return view(409, { code: "not_editable", article: now, message: { kind: "error", text } });
  }
  // 401/403 (the session no longer honoured) and 404 (gone) are the page's to answer, as for any member page.
  throw error;
}
