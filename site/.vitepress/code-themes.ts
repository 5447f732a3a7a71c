/**
 * The Shiki themes code blocks are highlighted with. VitePress's default `github-light` and `github-dark` have
 * tokens under 4.5:1 on its code block backgrounds (green strings, red keywords, grey comments).
 */
export const CODE_THEMES = { light: "github-light-high-contrast", dark: "github-dark-default" } as const;
