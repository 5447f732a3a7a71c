import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { DefaultTheme } from "vitepress";
import { describe, expect, it } from "vitest";
import { en } from "../en/config.ts";
import { zh } from "../zh/config.ts";

const COMMUNITY_URL = "https://community.inkstone.test";

type Item = DefaultTheme.NavItem | DefaultTheme.SidebarItem;

/** Every link in a nav or sidebar, in order, nested items included. */
const links = (items: readonly Item[]): string[] =>
  items.flatMap((item) => [
    ...("link" in item && item.link ? [item.link] : []),
    ...("items" in item && item.items ? links(item.items as Item[]) : []),
  ]);

const sidebar = (config: ReturnType<typeof zh>) => links((config.themeConfig?.sidebar ?? []) as Item[]);
const nav = (config: ReturnType<typeof zh>) => links(config.themeConfig?.nav ?? []);
const toEnglish = (link: string) => (link.startsWith("/") ? `/en${link}` : link);

/** The pages of a locale folder, as clean URL paths under `prefix`. */
const pagesIn = (folder: string, prefix: string) =>
  readdirSync(join(import.meta.dirname, "..", folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => `${prefix}${file.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "")}`);

describe("navigation", () => {
  it("has the same sidebar and nav in both locales", () => {
    expect(sidebar(en(COMMUNITY_URL))).toEqual(sidebar(zh(COMMUNITY_URL)).map(toEnglish));
    expect(nav(en(COMMUNITY_URL))).toEqual(nav(zh(COMMUNITY_URL)).map(toEnglish));
  });

  it.each([
    { folder: "zh", prefix: "/", config: zh },
    { folder: "en", prefix: "/en/", config: en },
  ])("reaches every $folder page from the sidebar", ({ folder, prefix, config }) => {
    const linked = new Set([prefix, ...sidebar(config(COMMUNITY_URL))]);
    expect(pagesIn(folder, prefix).filter((page) => !linked.has(page))).toEqual([]);
  });

  it("links the community from the nav of both locales", () => {
    expect(nav(zh(COMMUNITY_URL))).toContain(COMMUNITY_URL);
    expect(nav(en(COMMUNITY_URL))).toContain(COMMUNITY_URL);
  });
});
