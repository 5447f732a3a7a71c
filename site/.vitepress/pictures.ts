// Markdown images of the site's own PNGs become a <picture>: AVIF, then WebP, at the widths made of them (see
// images.ts), the PNG as the fallback, with the size the browser needs to reserve their space before they load.
// They load lazily, as every image on these pages sits below the first screen; an image that is the page's
// largest paint says so in its attributes: `![…](/x.png){loading=eager fetchpriority=high}`.
import type { MarkdownRenderer } from "vitepress";
import { FORMATS, type Manifest, pictureOf, readManifest } from "./images.ts";

/** How wide a picture shows: the home page's content column (the widest), less its padding, at each breakpoint. */
export const PICTURE_SIZES =
  "(min-width: 1280px) 1152px, (min-width: 960px) calc(100vw - 128px), (min-width: 640px) calc(100vw - 96px), calc(100vw - 48px)";

export function pictures(md: MarkdownRenderer, publicDir: string, manifest: Manifest = readManifest()): void {
  const fallback = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, index, options, env, self) => {
    const token = tokens[index];
    const src = token?.attrGet("src") ?? "";
    if (!token || !src.startsWith("/") || !src.endsWith(".png"))
      return fallback ? fallback(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
    const picture = pictureOf(publicDir, src, manifest);
    const escapeHtml = md.utils.escapeHtml;
    const alt = escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
    const attrs: Record<string, string> = {
      src,
      alt,
      width: String(picture.width),
      height: String(picture.height),
      loading: "lazy",
      decoding: "async",
    };
    // Attributes given in the Markdown ({loading=eager fetchpriority=high}) win.
    for (const [name, value] of token.attrs ?? [])
      if (name !== "src" && name !== "alt") attrs[name] = escapeHtml(value);
    const sources = FORMATS.map(
      (format) => `<source type="image/${format}" srcset="${picture.srcset[format]}" sizes="${PICTURE_SIZES}">`,
    ).join("");
    const img = Object.entries(attrs)
      .map(([name, value]) => `${name}="${value}"`)
      .join(" ");
    return `<picture>${sources}<img ${img}></picture>`;
  };
}
