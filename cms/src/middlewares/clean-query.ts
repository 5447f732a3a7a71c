import type { Core } from "@strapi/strapi";
import {
  checkFilters,
  checkPagination,
  checkPaginationParam,
  checkPopulate,
  type GetModel,
  type Model,
  type Schema,
} from "../lib/query-filters.ts";
import { badInput, decodeComponent, isContentApi, textProblem } from "../lib/text.ts";

type Ctx = { path: string; querystring: string; query: Record<string, unknown> };

const LOCALE = /^(?:\*|all|[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$/;

/** The path, decoded: valid UTF-8 and no control characters. */
function checkPath(path: string): void {
  const decoded = decodeComponent(path.replace(/\+/g, "%2B"));
  if (decoded === undefined) throw badInput("path", "is not valid percent-encoded UTF-8");
  const problem = textProblem(decoded);
  if (problem) throw badInput("path", problem);
}

/** Every key and value of the raw query string: valid percent-encoded UTF-8, no control characters. */
function checkQueryString(querystring: string): void {
  for (const pair of querystring.split("&")) {
    if (!pair) continue;
    const equals = pair.indexOf("=");
    const [rawKey, rawValue] = equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    const key = decodeComponent(rawKey);
    const value = decodeComponent(rawValue);
    if (key === undefined) throw badInput("query", "a parameter name is not valid percent-encoded UTF-8");
    if (value === undefined) throw badInput(`query.${key.slice(0, 60)}`, "is not valid percent-encoded UTF-8");
    const problem = textProblem(key) ?? textProblem(value);
    if (problem) throw badInput(`query.${key.slice(0, 60)}`, problem);
  }
}

/** The admin's content-manager routes name their content type in the path. */
const ADMIN_CONTENT = /^\/content-manager\/(?:collection-types|single-types)\/([^/]+)/;

/**
 * Refuses, with a 400 that says why, what would otherwise reach PostgreSQL and fail there as a 500: control
 * characters and bytes that are not UTF-8 in the path or query, and ill-typed filter values, unknown fields and
 * operators, and (on the content API) pagination out of range. Runs before routing, so it finds the content type
 * from the path: `/api/<pluralName>[/<id>]`, or the uid in the admin's `/content-manager/…/<uid>` (where editors
 * may filter on private fields such as createdBy). Custom routes validate their own queries with zod.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  let models: Map<string, string> | undefined;
  const getModel: GetModel = (uid) => strapi.getModel(uid as never) as unknown as Model | undefined;
  const contentApi: Schema = { getModel };
  const admin: Schema = { getModel, privateFields: true };

  /** The collection type behind a content-API path, if any. */
  const modelAt = (path: string): Model | undefined => {
    if (!models) {
      models = new Map([
        ["users", "plugin::users-permissions.user"],
        ["upload/files", "plugin::upload.file"],
      ]);
      for (const [uid, type] of Object.entries(strapi.contentTypes))
        if (uid.startsWith("api::") && type.kind === "collectionType") models.set(type.info.pluralName, uid);
    }
    const match = /^\/api\/((?:upload\/)?[^/]+)(?:\/[^/]+)?\/?$/i.exec(path);
    const uid = match?.[1] ? models.get(match[1].toLowerCase()) : undefined;
    return uid ? getModel(uid) : undefined;
  };

  return async (ctx: Ctx, next: () => Promise<void>) => {
    checkPath(ctx.path);
    checkQueryString(ctx.querystring);
    const query = ctx.query;
    if (isContentApi(ctx.path)) {
      checkPaginationParam(query.pagination);
      checkPagination(query, "");
      if (query.locale !== undefined && (typeof query.locale !== "string" || !LOCALE.test(query.locale)))
        throw badInput("locale", "expected a locale code such as en or zh-CN");
      if (query._q !== undefined && typeof query._q !== "string") throw badInput("_q", "expected text");
      const model = modelAt(ctx.path);
      if (model && query.filters !== undefined) checkFilters(contentApi, model, query.filters, "filters");
      if (model && query.populate !== undefined) checkPopulate(contentApi, model, query.populate, "populate");
    } else if (query.filters !== undefined) {
      const uid = ADMIN_CONTENT.exec(ctx.path)?.[1];
      const model = uid ? getModel(decodeURIComponent(uid)) : undefined;
      if (model) checkFilters(admin, model, query.filters, "filters");
    }
    await next();
  };
};
