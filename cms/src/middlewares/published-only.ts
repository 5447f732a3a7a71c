import { decodeComponent, isContentApi } from "../lib/text.ts";

/** Parameters that choose drafts or publication states; none of our callers needs one. */
const DROPPED = new Set(["status", "publicationFilter", "hasPublishedVersion", "publicationState"]);

type Ctx = { path: string; querystring: string; state: { droppedParameters?: string[] } };

/** `filters` for `filters[id][$eq]`: the parameter a query-string key belongs to. */
const parameterOf = (pair: string) => decodeComponent(pair.split("=", 1)[0] ?? "")?.split("[", 1)[0] ?? "";

/**
 * Every content-API request reads published versions only: whatever status, publicationFilter,
 * hasPublishedVersion or publicationState it sends (in any form: `status=draft`, `status[]=draft`,
 * `status[$ne]=published`…) is dropped and `status=published` is set. Strapi then filters every populated
 * relation by the same status, so drafts do not leak through `populate` either.
 *
 * A global middleware rather than one per route: it covers every content-API route — ours, the core ones and
 * the plugins' — including routes added later, and the admin (/admin, /content-manager) is not under /api. The
 * worker's routes are under /api too but read drafts through the Document Service, not from the query string,
 * so pinning their query changes nothing for them.
 */
export default () => async (ctx: Ctx, next: () => Promise<void>) => {
  if (isContentApi(ctx.path)) {
    // The raw query string is edited rather than ctx.query re-serialised, so every other parameter reaches
    // Strapi byte for byte as it was sent.
    const pairs = ctx.querystring.split("&").filter(Boolean);
    const kept = pairs.filter((pair) => !DROPPED.has(parameterOf(pair)));
    ctx.querystring = [...kept, "status=published"].join("&");
    // Routes that read no such parameter refuse one that was sent (lib/studio/input.ts), rather than ignore it.
    ctx.state.droppedParameters = [...new Set(pairs.map(parameterOf).filter((name) => DROPPED.has(name)))];
  }
  await next();
};
