import { citationProblems, EDITABLE_REVIEW_STATES, type ReviewState, type StudioDraft } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import type { Knex } from "knex";
import { readingMinutes } from "../slugs.ts";
import { Conflict } from "../validate.ts";
import { ARTICLE, type DraftRow, isCurrentVersion, ownDraft, stateOf } from "./drafts.ts";

/**
 * What a creator does to their own draft: save a new version of it, submit it for review, withdraw a submission.
 * Each runs in one transaction holding the draft's lock, so two saves (two tabs) cannot both pass the version check,
 * and a refusal writes nothing. Only the draft version is written: the published one changes when an editor
 * publishes.
 */

export type Target = { profileId: number; documentId: string; locale: string };

const lockDraft = (trx: Knex.Transaction, { documentId, locale }: Target) =>
  trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`studio:${documentId}:${locale}`]);

/** Why a draft in `state` cannot be edited; the studio shows the message as it is. */
const NOT_EDITABLE: Partial<Record<ReviewState, string>> = {
  submitted: "This draft is with an editor for review. Withdraw it first to edit it again.",
  published: "This article is published: its draft can no longer be edited in the studio.",
  declined: "An editor declined this article: it can no longer be edited.",
};

const STALE = "The draft changed since you opened it. Reload it and apply your edit again.";

/** Runs `work` on the member's draft under its lock, then reads the draft again as saved. */
async function withOwnDraft(
  strapi: Core.Strapi,
  target: Target,
  work: (current: DraftRow) => Promise<void>,
): Promise<DraftRow> {
  return strapi.db.transaction(async ({ trx }) => {
    await lockDraft(trx, target);
    await work(await ownDraft(strapi, target.profileId, target.documentId, target.locale));
    return ownDraft(strapi, target.profileId, target.documentId, target.locale);
  });
}

const update = (strapi: Core.Strapi, { documentId, locale }: Target, data: Record<string, unknown>) =>
  strapi.documents(ARTICLE).update({ documentId, locale, data } as never);

/**
 * A new version of the draft: 400 when a citation points to no listed source, 409 `not_editable` while it is not
 * the creator's to edit (submitted, published, declined), 409 `stale_version` when it was saved since `version`.
 */
export async function saveDraft(strapi: Core.Strapi, target: Target, input: StudioDraft): Promise<DraftRow> {
  const problems = citationProblems(input.body, input.sources.length);
  if (problems.length)
    throw new errors.ValidationError(`body: ${problems.join("; ")}`, {
      errors: problems.map((message) => ({ path: ["body"], message, name: "ValidationError" })),
    });
  return withOwnDraft(strapi, target, async (current) => {
    const state = stateOf(current);
    if (!EDITABLE_REVIEW_STATES.includes(state))
      throw new Conflict(NOT_EDITABLE[state] ?? `This draft is ${state}.`, "not_editable");
    if (!isCurrentVersion(current, input.version)) throw new Conflict(STALE, "stale_version");
    await update(strapi, target, {
      title: input.title,
      summary: input.summary,
      body: input.body,
      sources: input.sources,
      readingTime: readingMinutes(input.body),
    });
  });
}

/** Why a draft in `state` cannot be submitted. */
const NOT_SUBMITTABLE: Partial<Record<ReviewState, string>> = {
  submitted: "This draft is already with an editor for review.",
  published: "This article is published already.",
  declined: "An editor declined this article: it cannot be submitted again.",
};

/**
 * Sends the draft to the editors (draft or changes requested → submitted, 409 `not_submittable` otherwise). The
 * editor's previous note is cleared: the creator acted on it, and the next decision needs a note of its own.
 */
export function submitDraft(strapi: Core.Strapi, target: Target): Promise<DraftRow> {
  return withOwnDraft(strapi, target, async (current) => {
    const state = stateOf(current);
    if (!EDITABLE_REVIEW_STATES.includes(state))
      throw new Conflict(NOT_SUBMITTABLE[state] ?? `This draft is ${state}.`, "not_submittable");
    await update(strapi, target, { reviewState: "submitted", submittedAt: new Date().toISOString(), reviewNote: "" });
  });
}

/** Why a draft in `state` cannot be withdrawn. */
const NOT_WITHDRAWABLE: Partial<Record<ReviewState, string>> = {
  draft: "This draft is not submitted: there is nothing to withdraw.",
  changes_requested: "An editor has already answered this submission: edit the draft and submit it again.",
  published: "This article is published: it can no longer be withdrawn.",
  declined: "An editor declined this article: there is nothing to withdraw.",
};

/** Takes a submission back (submitted → draft, 409 `not_withdrawable` otherwise), so the creator may edit again. */
export function withdrawDraft(strapi: Core.Strapi, target: Target): Promise<DraftRow> {
  return withOwnDraft(strapi, target, async (current) => {
    const state = stateOf(current);
    if (state !== "submitted")
      throw new Conflict(NOT_WITHDRAWABLE[state] ?? `This draft is ${state}.`, "not_withdrawable");
    await update(strapi, target, { reviewState: "draft", submittedAt: null });
  });
}
