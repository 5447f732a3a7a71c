import { documentIdSchema, LOCALES, studioDraftSchema } from "@inkstone/config";
import { errors } from "@strapi/utils";
import { z } from "zod";
import { listQuery, sentQuery } from "../conversations.ts";
import { parse } from "../validate.ts";

/**
 * What the studio's routes take, checked before anything is read: the path's document id, the query (only the
 * parameters a route reads: Strapi's own — populate, filters, fields, status… — answer 400 rather than being
 * ignored), and the body (`{ data }` and nothing beside it).
 */

type Ctx = {
  params: Record<string, string | undefined>;
  query: unknown;
  request: { body?: unknown };
  state: { droppedParameters?: string[] };
};

const locale = z.enum(LOCALES, { error: `expected locale ${LOCALES.join(" or ")}` });
const oneLocale = z.strictObject({ locale });
const pathParams = z.object({ documentId: documentIdSchema });
/** A transition (submit, withdraw) carries nothing: no body, or an empty `data`. */
const noData = z.strictObject({ data: z.strictObject({}).optional() });
const draftEnvelope = z.strictObject({
  data: z.record(z.string(), z.unknown(), {
    error: "expected the draft as { data: { title, summary, body, sources, version } }",
  }),
});

/**
 * The query the caller sent, parsed with `schema` (a strict one refuses every parameter it does not name).
 * global::published-only takes every draft-choosing parameter (status, publicationState…) out before routing and
 * names them: routes that read drafts themselves refuse them like any other parameter they do not take.
 */
export function query<S extends z.ZodType>(ctx: Pick<Ctx, "query" | "state">, schema: S): z.infer<S> {
  const [dropped] = ctx.state.droppedParameters ?? [];
  if (dropped) {
    const message = `${dropped}: this route reads the draft itself; it takes no ${dropped}`;
    throw new errors.ValidationError(message, {
      errors: [{ path: [dropped], message: `not a parameter of this route`, name: "ValidationError" }],
    });
  }
  return parse(schema, sentQuery(ctx.query));
}

/** GET /studio/articles: the page asked for. */
export const listInput = (ctx: Ctx) => query(ctx, listQuery);

/** The article a route is about: its document id (path) and locale (query). */
export function articleInput(ctx: Ctx): { documentId: string; locale: (typeof LOCALES)[number] } {
  const { documentId } = parse(pathParams, ctx.params);
  return { documentId, ...query(ctx, oneLocale) };
}

/** The body of a save: `{ data: StudioDraft }`; field errors name the draft's fields (`title`, `sources.0.url`). */
export function draftInput(ctx: Ctx) {
  const { data } = parse(draftEnvelope, bodyOf(ctx));
  return parse(studioDraftSchema, data);
}

/** The body of a transition: nothing. */
export function noDataInput(ctx: Ctx): void {
  parse(noData, bodyOf(ctx));
}

/** A JSON array or a form is no body these routes take; global::clean-body has already refused what is not JSON. */
const bodyOf = (ctx: Ctx) => ctx.request.body ?? {};
