// Markdown → plain text for the index. Not a renderer: it only has to keep the words a reader sees and drop
// the syntax, links' URLs and HTML, so that `**bold**` matches "bold" and URLs do not pollute results.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

const RULES: [RegExp, string][] = [
  [/\r\n?/g, "\n"],
  [/<!--[\s\S]*?-->/g, " "],
  // Fences go but code stays: in a writing platform code samples are content people search for.
  [/^[ \t]*(```|~~~).*$/gm, " "],
  [/^[ \t]*\[\^?[^\]\n]+\]:[ \t]+\S.*$/gm, " "],
  [/!\[([^\]\n]*)\]\([^)\n]*\)/g, "$1"],
  [/!\[([^\]\n]*)\]\[[^\]\n]*\]/g, "$1"],
  [/\[\^[^\]\n]+\]/g, ""],
  [/\[([^\]\n]*)\]\([^)\n]*\)/g, "$1"],
  [/\[([^\]\n]+)\]\[[^\]\n]*\]/g, "$1"],
  [/<(?:https?|mailto):[^>\s]+>/g, " "],
  [/<\/?[A-Za-z][^>\n]*>/g, " "],
  [/^[ \t]*#{1,6}[ \t]+(.*?)[ \t#]*$/gm, "$1"],
  [/^[ \t]*(?:=+|-+)[ \t]*$/gm, " "],
  [/^[ \t]*(?:[-*_][ \t]*){3,}$/gm, " "],
  [/^[ \t]*(?:>[ \t]?)+/gm, ""],
  [/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, ""],
  [/^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$/gm, " "],
  [/\|/g, " "],
  [/\\([\\`*_{}[\]()#+\-.!|>~])/g, "$1"],
  [/[`*~]+/g, ""],
  // Underscores only where they delimit emphasis, so snake_case identifiers survive.
  [/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, "$1"],
];

/** The text a reader sees in `markdown`, on one line with single spaces. */
export function markdownToText(markdown: string): string {
  let text = markdown;
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return decodeEntities(text).replace(/\s+/g, " ").trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? entity;
    const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** The first `maxChars` characters of `text`, cut at a space when one is near, with an ellipsis if cut. */
export function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  const head = chars.slice(0, maxChars).join("");
  const space = head.lastIndexOf(" ");
  return `${space > head.length - 40 ? head.slice(0, space) : head}…`;
}
