// Colour contrast as WCAG 2 computes it, over the custom properties the built stylesheet sets: VitePress's and
// ours, the later declaration winning as in the cascade, `var()` resolved.

/** The contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

function luminance(color: string): number {
  const hex = color.match(/^#([0-9a-f]{6})$/i)?.[1];
  if (!hex) throw new Error(`not a #rrggbb colour: ${color}`);
  const [r, g, b] = [0, 2, 4].map((at) => {
    const channel = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export type Appearance = "light" | "dark";

/**
 * A reader of the colour each custom property has in each appearance: `:root` rules set the light one, `.dark`
 * rules override them in the dark one. Only rules at the top of the sheet are read (one that starts it or follows
 * another's `}`), not those inside a media query's braces or under other selectors.
 */
export function customProperties(css: string): (appearance: Appearance, name: string) => string {
  const light = new Map<string, string>();
  const dark = new Map<string, string>();
  for (const [, selector, body = ""] of css.matchAll(/(?<=^|\})\s*(:root|\.dark)\s*\{([^}]*)\}/g)) {
    for (const [, name = "", value = ""] of body.matchAll(/(--[\w-]+)\s*:\s*([^;]+)/g))
      (selector === ":root" ? light : dark).set(name, value.trim());
  }
  const read = (appearance: Appearance, name: string, seen: string[] = []): string => {
    if (seen.includes(name)) throw new Error(`${name} refers to itself: ${seen.join(" → ")}`);
    const value = (appearance === "dark" ? dark.get(name) : undefined) ?? light.get(name);
    if (value === undefined) throw new Error(`${name} is not set for the ${appearance} appearance`);
    const reference = value.match(/^var\((--[\w-]+)\)$/)?.[1];
    return reference ? read(appearance, reference, [...seen, name]) : value.toLowerCase();
  };
  return (appearance, name) => read(appearance, name);
}
