// The local search as the browser gets it: VitePress's per-locale MiniSearch index and the tokenizer it ships.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The local search index of one locale, as VitePress emits it for the browser (a MiniSearch JSON dump). */
export type SearchIndex = {
  documentIds: Record<string, string>;
  index: [string, Record<string, Record<string, number>>][];
};
export async function searchIndex(outDir: string, locale: "root" | "en"): Promise<SearchIndex> {
  const chunks = join(outDir, "assets", "chunks");
  const file = readdirSync(chunks).find((name) => name.startsWith(`@localSearchIndex${locale}.`));
  if (!file) throw new Error(`no search index for locale ${locale} in ${chunks}`);
  const module = (await import(pathToFileURL(join(chunks, file)).href)) as { default: string };
  return JSON.parse(module.default) as SearchIndex;
}

/** The sections (`/guide/creators#槽位`) whose text holds `term` as a whole term. */
export function sectionsWith(index: SearchIndex, term: string): string[] {
  const fields = index.index.find(([indexed]) => indexed === term)?.[1] ?? {};
  const ids = new Set(Object.values(fields).flatMap((docs) => Object.keys(docs)));
  return [...ids].map((id) => index.documentIds[id] ?? "");
}

/** The tokenizer exactly as the browser gets it: VitePress ships it as source text in the site data. */
export function shippedTokenizer(html: string): (text: string) => string[] {
  const literal = html.match(
    /window\.__VP_SITE_DATA__=deserializeFunctions\(JSON\.parse\(("(?:[^"\\]|\\.)*")\)\)/,
  )?.[1];
  if (!literal) throw new Error("no site data in the page");
  const data = JSON.parse(JSON.parse(literal) as string) as {
    themeConfig: { search: { options: { miniSearch: { options: { tokenize: string } } } } };
  };
  const source = data.themeConfig.search.options.miniSearch.options.tokenize;
  if (!source.startsWith("_vp-fn_")) throw new Error("the tokenizer is not shipped as a function");
  return new Function(`return ${source.slice("_vp-fn_".length)}`)() as (text: string) => string[];
}
