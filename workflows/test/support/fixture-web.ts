// A local web server standing in for the pages research reads.
import { listen, readBody } from "./http.ts";

export type FixturePage = {
  status?: number;
  type?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Waits this long before answering (a slow site). */
  delayMs?: number;
};
export type FixtureRequest = { method: string; url: string; headers: Record<string, unknown>; body: string };

/**
 * Serves `pages` by path (query string and method ignored; pages may be added after start), counts requests per
 * path and records each request, so the search API stand-ins can be checked for what they were asked.
 */
export async function startFixtureWeb(pages: Record<string, FixturePage>) {
  const hits = new Map<string, number>();
  const requests: FixtureRequest[] = [];
  const http = await listen(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = await readBody(request);
    requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
    const page = pages[path];
    if (!page) return response.writeHead(404, { "content-type": "text/html" }).end("<h1>Not found</h1>");
    if (page.delayMs) await new Promise((resolve) => setTimeout(resolve, page.delayMs));
    if (response.destroyed) return;
    response.writeHead(page.status ?? 200, {
      "content-type": page.type ?? "text/html; charset=utf-8",
      ...page.headers,
    });
    response.end(page.body ?? "");
  });
  return { url: http.url, pages, hits, requests, close: http.close };
}

/** An article page Readability recognises: a title and several paragraphs of prose. */
export function articlePage(title: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><title>${title}</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}</article>
<footer>© Fixture</footer></body></html>`;
}

/** English prose about `subject`, long enough to pass as a source. */
export function prose(subject: string, count = 5): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `${subject} has been studied for many years, and finding number ${i + 1} shows how ${subject.toLowerCase()} changes the way engineers plan coastal power. ` +
      `Researchers measured the effect across several sites and reported that the results were consistent with earlier work on ${subject.toLowerCase()}. ` +
      `The report also notes the costs, the risks and the benefits that communities weigh before they build.`,
  );
}
