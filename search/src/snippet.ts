// Highlighted text from Meilisearch is the stored text with markers around matches. The stored text is
// untrusted (authors write it), so it is escaped first and only then are our markers turned into <mark>.

/** Marker characters from Unicode's private use area: no real text has them, and indexing strips them. */
export const HIGHLIGHT_PRE = "\uE000";
export const HIGHLIGHT_POST = "\uE001";

const MARKERS = /[\uE000\uE001]/g;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** Removes highlight markers, so text entering the index cannot fake a highlight. */
export function stripMarkers(text: string): string {
  return text.replace(MARKERS, "");
}

/** Highlighted text → safe HTML whose only tags are balanced `<mark>…</mark>`. */
export function highlightToHtml(highlighted: string): string {
  let open = false;
  const html = escapeHtml(highlighted).replace(MARKERS, (marker) => {
    if (marker === HIGHLIGHT_PRE && !open) {
      open = true;
      return "<mark>";
    }
    if (marker === HIGHLIGHT_POST && open) {
      open = false;
      return "</mark>";
    }
    return "";
  });
  return open ? `${html}</mark>` : html;
}
