import {
  documentIdSchema,
  generationDraftSchema,
  generationFailureSchema,
  LOCALES,
  type Locale,
} from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { notify } from "../../../lib/notify.ts";
import { readingMinutes, shortHash, slugify } from "../../../lib/slugs.ts";
import { completeLocales, ensureTaxonomy } from "../../../lib/taxonomy.ts";
import { forbidWithCode, parse } from "../../../lib/validate.ts";

const ARTICLE = "api::article.article";
const runId = z.string().regex(/^[A-Za-z0-9:_.-]{1,200}$/, { error: "expected a run id (letters, digits, : _ . -)" });

type Ctx = {
  request: { body?: { data?: unknown } };
  params: { runId?: string; creatorId?: string };
  status?: number;
  body: unknown;
};
type Creator = { documentId: string; blocked: boolean | null };

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const creator = (creatorId: string) =>
    strapi
      .documents("plugin::users-permissions.user")
      .findFirst({ filters: { documentId: creatorId }, fields: ["blocked"] }) as Promise<Creator | null>;

  /** The creator's profile from their users-permissions documentId, or 400. */
  const creatorProfile = async (creatorId: string) => {
    const profile = await strapi
      .documents("api::profile.profile")
      .findFirst({ filters: { user: { documentId: creatorId } } });
    if (!profile)
      throw new errors.ValidationError("creatorId: no member with that id", {
        errors: [{ path: ["creatorId"], message: "no member with that id", name: "ValidationError" }],
      });
    return profile;
  };

  /** A tag named `name` in any locale: a Chinese draft's "引用" is the tag an English one calls "Citations". */
  const findTag = async (name: string) =>
    (await strapi.db.query("api::tag.tag").findOne({ where: { name }, select: ["documentId"] })) as {
      documentId: string;
    } | null;

  /**
   * A tag by name, created when missing (its slug made ASCII-safe) with that name in every locale, as an editor
   * may translate it later; a tag lacking a locale gets it, so the draft can link it whatever its language. Drafts
   * saved at the same moment often bring the same new tag: a transaction-scoped advisory lock on the name makes the
   * second wait for the first to finish creating every locale, then find it whole.
   */
  const tagId = async (name: string): Promise<string> =>
    await strapi.db.transaction(async ({ trx }): Promise<string> => {
      await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`inkstone-tag:${name}`]);
      const found = await findTag(name);
      if (found) {
        await completeLocales(strapi, "api::tag.tag", found.documentId);
        return found.documentId;
      }
      const slug = `${slugify(name, "tag")}-${shortHash(name)}`;
      const everywhere = Object.fromEntries(LOCALES.map((locale) => [locale, name])) as Record<Locale, string>;
      return (await ensureTaxonomy(strapi, "api::tag.tag", { slug, name: everywhere })).documentId;
    });

  /** Tags by name, in order, without repeats. */
  const tagIds = async (names: string[]) => {
    const ids: string[] = [];
    for (const name of [...new Set(names.map((n) => n.trim()).filter(Boolean))]) ids.push(await tagId(name));
    return ids;
  };

  return {
    /** GET /generation/creators/:creatorId — whether the creator (a users-permissions documentId) is blocked. */
    async creator(ctx: Ctx) {
      const id = parse(documentIdSchema, ctx.params.creatorId);
      const found = await creator(id);
      if (!found) throw new errors.NotFoundError("No member with that id.");
      ctx.body = { data: { blocked: found.blocked === true } };
    },

    /**
     * PUT /generation/drafts/:runId — one draft per run: the first call creates it, later calls (a retried
     * activity, a resumed run) update the same draft. Runs for one id are serialised by an advisory lock.
     */
    async upsertDraft(ctx: Ctx) {
      const id = parse(runId, ctx.params.runId);
      const input = parse(generationDraftSchema, ctx.request.body?.data);
      if (input.generation.runId !== id)
        throw new errors.ValidationError("generation.runId: must equal the run id in the URL", {
          errors: [
            { path: ["generation", "runId"], message: "must equal the run id in the URL", name: "ValidationError" },
          ],
        });
      // Before anything is written (tags included): a blocked member's runs save nothing.
      if ((await creator(input.creatorId))?.blocked) {
        forbidWithCode(ctx, "creator_blocked", "The creator's account is blocked; this run's draft is not saved.");
        return;
      }
      const profile = await creatorProfile(input.creatorId);
      const data = {
        title: input.title,
        summary: input.summary,
        body: input.body,
        readingTime: readingMinutes(input.body),
        sources: input.sources,
        generation: input.generation,
        author: profile.documentId,
        tags: await tagIds(input.tags),
      };
      const saved = await strapi.db.transaction(async ({ trx }) => {
        await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [`run:${id}`]);
        // The draft row of any locale whose generation metadata carries this run id.
        const [existing] = await strapi.documents(ARTICLE).findMany({
          filters: { generation: { runId: id } },
          status: "draft",
          locale: "*",
          fields: ["locale"],
          limit: 1,
        });
        if (existing) {
          await strapi
            .documents(ARTICLE)
            .update({ documentId: existing.documentId, locale: existing.locale, data } as never);
          return { documentId: existing.documentId as string, locale: existing.locale as string, created: false };
        }
        const created = await strapi.documents(ARTICLE).create({
          locale: input.locale,
          data: { ...data, slug: `${slugify(input.title)}-${shortHash(id)}` },
        } as never);
        await notify(strapi, {
          recipientId: profile.id,
          kind: "generation_finished",
          articleDocumentId: created.documentId,
          articleLocale: input.locale,
          runId: id,
          message: input.title,
        });
        return { documentId: created.documentId as string, locale: input.locale as string, created: true };
      });
      ctx.body = { data: saved };
    },

    /**
     * POST /generation/runs/:runId/failed — tells the creator, once per failure: a retried report (the worker's
     * local activity tries again) finds the notice still unread and adds none; a run the creator retried from the
     * studio (same run id) that fails again after they read the first notice gets a new one.
     */
    async reportFailure(ctx: Ctx) {
      const id = parse(runId, ctx.params.runId);
      const input = parse(generationFailureSchema, ctx.request.body?.data);
      const profile = await creatorProfile(input.creatorId);
      const already = await strapi
        .documents("api::notification.notification")
        .findFirst({ filters: { runId: id, kind: "generation_failed", read: false } });
      if (!already)
        await notify(strapi, {
          recipientId: profile.id,
          kind: "generation_failed",
          runId: id,
          message: `${input.topic}: ${input.reason}`,
        });
      ctx.body = { data: { runId: id, notified: !already } };
    },
  };
};
