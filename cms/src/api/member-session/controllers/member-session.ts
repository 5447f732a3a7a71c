import { isIP } from "node:net";
import { documentIdSchema } from "@inkstone/config";
import type { Core } from "@strapi/strapi";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { MEMBER_SESSION, MEMBER_SESSIONS_TABLE } from "../../../lib/member-sessions.ts";
import { forbidWithCode, parse } from "../../../lib/validate.ts";

const USER = "plugin::users-permissions.user";
/** A sealed JWT is the community's encrypted copy of the member's CMS token: a few hundred bytes in practice. */
const SEALED_MAX = 4096;
/** Longer than any session the community issues; a far-future expiry is a bug worth refusing. */
const MAX_LIFETIME_MS = 400 * 24 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often per session, so reading a session is not a write every request. */
const TOUCH_EVERY = "1 minute";

const tokenHash = z
  .string({ error: "expected the session id's sha256, 64 lowercase hex characters" })
  .regex(/^[0-9a-f]{64}$/, { error: "expected the session id's sha256, 64 lowercase hex characters" });
const createBody = z.strictObject({
  tokenHash,
  userId: documentIdSchema,
  sealedJwt: z
    .string({ error: "expected the sealed token" })
    .min(1, { error: "expected the sealed token" })
    .max(SEALED_MAX, { error: `at most ${SEALED_MAX} characters` }),
  expiresAt: z.iso
    .datetime({ offset: true, error: "expected an ISO 8601 date and time" })
    .refine((value) => Date.parse(value) > Date.now(), { error: "must be in the future" })
    .refine((value) => Date.parse(value) < Date.now() + MAX_LIFETIME_MS, { error: "must be within 400 days" }),
  userAgent: z
    .string({ error: "expected text" })
    .transform((value) => value.slice(0, 512))
    .optional(),
  address: z
    .string({ error: "expected an IP address" })
    .refine((value) => isIP(value) !== 0, { error: "expected an IP address" })
    .optional(),
});
const listQuery = z.object({ userId: documentIdSchema, tokenHash: tokenHash.optional() });
const endAllQuery = z.object({ userId: documentIdSchema, except: tokenHash.optional() });

type Ctx = {
  request: { body?: { data?: unknown } };
  params: { tokenHash?: string };
  query: unknown;
  status?: number;
  body: unknown;
};
type Member = { documentId: string; username: string; blocked: boolean | null };
type Session = { id: number; documentId: string; userId: string; sealedJwt: string; expiresAt: string };

/** One member's sessions, for the community only (see the routes): the community keeps no session state itself. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const member = (userId: string) =>
    strapi
      .documents(USER)
      .findFirst({ filters: { documentId: userId }, fields: ["username", "blocked"] }) as Promise<Member | null>;
  const sessionByHash = (hash: string) =>
    strapi.documents(MEMBER_SESSION).findFirst({ filters: { tokenHash: hash } }) as Promise<Session | null>;
  // db.query: one DELETE by the hash, which answers the same whether or not the session still exists.
  const endByHash = (hash: string) => strapi.db.query(MEMBER_SESSION).deleteMany({ where: { tokenHash: hash } });

  return {
    /** POST /member-sessions — records a session the community just started; 201 `{ data: { id } }`. */
    async create(ctx: Ctx) {
      const input = parse(createBody, ctx.request.body?.data);
      const user = await member(input.userId);
      if (!user)
        throw new errors.ValidationError("userId: no member with that id", {
          errors: [{ path: ["userId"], message: "no member with that id", name: "ValidationError" }],
        });
      if (user.blocked) {
        forbidWithCode(ctx, "member_blocked", "This account is blocked.");
        return;
      }
      if (await sessionByHash(input.tokenHash))
        throw new errors.ValidationError("tokenHash: a session with this id exists already", {
          errors: [{ path: ["tokenHash"], message: "a session with this id exists already", name: "ValidationError" }],
        });
      const created = await strapi.documents(MEMBER_SESSION).create({
        data: {
          tokenHash: input.tokenHash,
          userId: input.userId,
          sealedJwt: input.sealedJwt,
          expiresAt: input.expiresAt,
          lastSeenAt: new Date().toISOString(),
          userAgent: input.userAgent ?? null,
          address: input.address ?? null,
        },
      } as never);
      ctx.status = 201;
      ctx.body = { data: { id: created.documentId } };
    },

    /**
     * GET /member-sessions/:tokenHash — the session behind a cookie, with the member's current username. Missing,
     * expired, or of a member who is blocked or gone: 404, and the session is deleted.
     */
    async show(ctx: Ctx) {
      const hash = parse(tokenHash, ctx.params.tokenHash);
      const session = await sessionByHash(hash);
      if (!session) throw new errors.NotFoundError("No such session.");
      const user = Date.parse(session.expiresAt) > Date.now() ? await member(session.userId) : null;
      if (!user || user.blocked) {
        await endByHash(hash);
        throw new errors.NotFoundError("No such session.");
      }
      // In SQL: a conditional touch, so concurrent reads of one session write it at most once a minute.
      await strapi.db
        .connection(MEMBER_SESSIONS_TABLE)
        .where({ id: session.id })
        .andWhere((q) => q.whereNull("last_seen_at").orWhereRaw(`last_seen_at < now() - interval '${TOUCH_EVERY}'`))
        .update({ last_seen_at: strapi.db.connection.fn.now() });
      ctx.body = {
        data: {
          userId: session.userId,
          username: user.username,
          sealedJwt: session.sealedJwt,
          expiresAt: new Date(session.expiresAt).toISOString(),
          blocked: false,
        },
      };
    },

    /** DELETE /member-sessions/:tokenHash — signs one session out; 204 whether or not it existed. */
    async end(ctx: Ctx) {
      await endByHash(parse(tokenHash, ctx.params.tokenHash));
      ctx.status = 204;
    },

    /** DELETE /member-sessions?userId=…&except=… — signs the member out everywhere, but for `except`. */
    async endAll(ctx: Ctx) {
      const { userId, except } = parse(endAllQuery, ctx.query);
      // db.query: one DELETE for all of the member's sessions.
      const { count } = await strapi.db
        .query(MEMBER_SESSION)
        .deleteMany({ where: { userId, ...(except ? { tokenHash: { $ne: except } } : {}) } });
      ctx.body = { data: { ended: count } };
    },

    /** GET /member-sessions?userId=…&tokenHash=… — the member's live sessions, newest activity first. */
    async list(ctx: Ctx) {
      const { userId, tokenHash: current } = parse(listQuery, ctx.query);
      const rows = await strapi.documents(MEMBER_SESSION).findMany({
        filters: { userId, expiresAt: { $gt: new Date().toISOString() } },
        sort: ["lastSeenAt:desc", "createdAt:desc"],
        limit: 100,
      });
      ctx.body = {
        data: rows.map((row) => ({
          id: row.documentId,
          createdAt: row.createdAt,
          lastSeenAt: row.lastSeenAt ?? null,
          expiresAt: row.expiresAt,
          userAgent: row.userAgent ?? null,
          current: current !== undefined && row.tokenHash === current,
        })),
      };
    },
  };
};
