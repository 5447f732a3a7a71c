import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The fonts share cards are drawn with, from the installed @fontsource packages: Noto Sans for Latin (and Greek,
 * Cyrillic, Vietnamese), Noto Sans SC for Chinese. Both come split into unicode-range subsets (Noto Sans SC in about a
 * hundred); a card loads only the subsets its text needs, found from the packages' own CSS. The .woff files are used:
 * satori reads TrueType, OpenType and WOFF, not WOFF2.
 */

export type Weight = 400 | 700;
/** A font as satori takes it; every subset has a name of its own (satori keeps one font per name and weight). */
export type CardFont = { name: string; data: Buffer; weight: Weight; style: "normal" };

type Range = { start: number; end: number; subset: Subset };
type Subset = { name: string; file: string };

/** Looked up in this order: Noto Sans draws Latin better than the SC font's own Latin. */
const PACKAGES = ["@fontsource/noto-sans", "@fontsource/noto-sans-sc"] as const;

/**
 * Subsets kept loaded. Satori keeps each parsed font for as long as its bytes are alive (about 0.75 MB once parsed,
 * a few milliseconds to parse), so this bounds memory; the commonest Chinese characters sit in a few dozen subsets.
 */
const MAX_LOADED = 48;

const require = createRequire(import.meta.url);
const rangesByWeight = new Map<Weight, Range[][]>();
/** Least recently used first. */
const loaded = new Map<string, Buffer>();

/** `U+4e00-9fff,U+3000` as inclusive code point intervals. */
export function parseUnicodeRange(value: string): [number, number][] {
  return value.split(",").flatMap((part) => {
    const match = /^U\+([0-9a-f]+)(?:-([0-9a-f]+))?$/i.exec(part.trim());
    if (!match?.[1]) return [];
    const start = Number.parseInt(match[1], 16);
    return [[start, match[2] ? Number.parseInt(match[2], 16) : start]];
  });
}

/** Each @font-face of a package's CSS for `weight`: its .woff file and the code points it covers, sorted. */
function packageRanges(pkg: string, weight: Weight): Range[] {
  const css = require.resolve(`${pkg}/${weight}.css`);
  const ranges: Range[] = [];
  for (const [, block = ""] of readFileSync(css, "utf8").matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const file = /url\(\.\/(files\/[^)]+\.woff)\)/.exec(block)?.[1];
    const unicodeRange = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !unicodeRange) continue;
    const path = join(dirname(css), file);
    // One name per subset, whatever its weight: "noto-sans-sc-117" for noto-sans-sc-117-700-normal.woff.
    const subset = { name: file.slice("files/".length).replace(/-\d{3}-normal\.woff$/, ""), file: path };
    for (const [start, end] of parseUnicodeRange(unicodeRange)) ranges.push({ start, end, subset });
  }
  if (!ranges.length) throw new Error(`no @font-face with a .woff file and a unicode-range in ${css}`);
  return ranges.sort((a, b) => a.start - b.start);
}

function rangesFor(weight: Weight): Range[][] {
  let ranges = rangesByWeight.get(weight);
  if (!ranges) {
    ranges = PACKAGES.map((pkg) => packageRanges(pkg, weight));
    rangesByWeight.set(weight, ranges);
  }
  return ranges;
}

/** The subset of one package that covers `codePoint` (its ranges do not overlap), by binary search. */
function covering(ranges: Range[], codePoint: number): Subset | undefined {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle] as Range;
    if (codePoint < range.start) high = middle - 1;
    else if (codePoint > range.end) low = middle + 1;
    else return range.subset;
  }
  return undefined;
}

/**
 * `text` without what no bundled font draws (emoji, scripts beyond Latin, Greek, Cyrillic and Chinese, control
 * characters), which would otherwise show as empty boxes.
 */
export function drawable(text: string, weight: Weight): string {
  const packages = rangesFor(weight);
  let kept = "";
  for (const character of text.replace(/\p{Cc}+/gu, " ")) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (packages.some((ranges) => covering(ranges, codePoint))) kept += character;
  }
  return kept.replace(/\s+/g, " ").trim();
}

/** The subsets `text` needs at `weight`, in lookup order (characters no subset covers are left out). */
export function subsetsFor(text: string, weight: Weight): Subset[] {
  const packages = rangesFor(weight);
  const needed = new Set<Subset>();
  for (const character of new Set(text)) {
    const codePoint = character.codePointAt(0) ?? 0;
    for (const ranges of packages) {
      const subset = covering(ranges, codePoint);
      if (subset) {
        needed.add(subset);
        break;
      }
    }
  }
  // Package order first (Latin before Chinese), so satori falls back the same way whatever the text.
  const order = packages.map((ranges) => new Set(ranges.map((range) => range.subset)));
  return [...needed].sort((a, b) => order.findIndex((set) => set.has(a)) - order.findIndex((set) => set.has(b)));
}

/** The bytes of a subset's file, kept while recently used: the same Buffer each time, so satori parses it once. */
function bytesOf(file: string): Buffer {
  let data = loaded.get(file);
  if (data) loaded.delete(file);
  else data = readFileSync(file);
  loaded.set(file, data);
  while (loaded.size > MAX_LOADED) {
    const oldest = loaded.keys().next().value;
    if (oldest === undefined) break;
    loaded.delete(oldest);
  }
  return data;
}

/** The fonts to draw each of `texts` at its weight. */
export function fontsFor(texts: readonly { text: string; weight: Weight }[]): CardFont[] {
  const fonts = new Map<string, CardFont>();
  for (const { text, weight } of texts)
    for (const subset of subsetsFor(text, weight))
      fonts.set(`${subset.name}:${weight}`, { name: subset.name, data: bytesOf(subset.file), weight, style: "normal" });
  return [...fonts.values()];
}

/** How many subset files are loaded now (for tests and diagnosis). */
export function loadedSubsets(): string[] {
  return [...loaded.keys()];
}
