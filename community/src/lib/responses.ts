import { escapeHtml } from "@inkstone/search";
import { errorBody } from "./cms/errors.ts";

/**
 * Retry-After on every 503 we answer: what was down (the CMS, Temporal, the shared store) is usually back within
 * seconds, and a client told to wait longer would stay away after the service has returned.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

/** Whether the caller wants JSON (a script) rather than a page (a browser following a form). */
export function wantsJson(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("application/json") || !accept.includes("text/html");
}

/**
 * A refusal in the caller's format: `{ error: { code, message } }` for scripts, a small page for browsers (a plain
 * page, so it renders even when the CMS is down). Never cached.
 */
export function refusal(
  request: Request,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  lang = "en",
  kept?: { heading: string; values: Record<string, string> },
): Response {
  const common = { "cache-control": "private, no-store", ...headers };
  if (wantsJson(request)) return Response.json(errorBody(code, message), { status, headers: common });
  // What the person typed, given back to copy: the form it came from may not render until the service is back.
  const typed = kept
    ? `<section><h2>${escapeHtml(kept.heading)}</h2>${Object.entries(kept.values)
        .map(
          ([name, value], i) =>
            `<p><label for="kept-${i}">${escapeHtml(name)}</label><br><textarea id="kept-${i}" readonly rows="6" style="width:100%">${escapeHtml(value)}</textarea></p>`,
        )
        .join("")}</section>`
    : "";
  const html = `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title><meta name="robots" content="noindex"></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><main><h1>${status}</h1><p role="alert">${escapeHtml(message)}</p>${typed}<p><a href="/${lang === "en" ? "en/" : "zh-CN/"}">Inkstone</a></p></main></body></html>`;
  return new Response(html, { status, headers: { ...common, "content-type": "text/html; charset=utf-8" } });
}
