import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi } from "../../cms/test/cms-api.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, prose, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { findChromium, launchChromium } from "./support/browser.ts";
import { citedBody, type Published, publishArticle } from "./support/content.ts";

const executablePath = findChromium();
const SHOTS = join(ROOT, "test-results", "screenshots");
const PASSWORD = "Passw0rd-long";

let browser: Browser;
let base: string;
let api: CmsApi;
let article: Published;
let chinese: Published;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!executablePath)("a member's journey in a real browser", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // A source page that takes six seconds to read keeps the worker's one slot busy, so a second run is seen queued.
    // The second run reads one too, so it is seen running and not only queued and done.
    web = await startFixtureWeb({
      "/slow-source": { body: articlePage("Tea terraces", prose("Tea terraces")), delayMs: 6000 },
      "/slow-notes": { body: articlePage("Picking notes", prose("Picking season")), delayMs: 4000 },
    });
    // The stack as `npm start` runs it: the CMS, the generation worker (offline writer: no LLM key) and the community.
    const { env } = await startTestApps(["cms", "worker", "community"], {
      GENERATION_CONCURRENCY: "1",
      FETCH_ALLOW_PRIVATE: "true",
    });
    base = String(env.COMMUNITY_URL);
    api = cmsApi(env);
    const author = await api.signUp("grace-author");
    article = await publishArticle(api, author.user.documentId, "run-e2e", {
      title: "Reading with citations",
      summary: "An article to read, discuss and keep.",
      ...citedBody,
    });
    chinese = await publishArticle(api, author.user.documentId, "run-e2e-zh", {
      locale: "zh-CN",
      title: "普洱茶的来历",
      summary: "一篇关于云南茶叶的文章。",
      body: "## 来历\n\n云南的普洱茶要经过多年陈化才有风味 [1]。\n",
      tags: ["茶"],
      sources: [{ title: "茶经", url: "https://example.org/tea", excerpt: "茶的来历。" }],
    });
    browser = await launchChromium(executablePath as string);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("a creator launches generations and watches one queued, then running, then done; an editor publishes its draft; a reader finds it by a Chinese word from its body", async () => {
    const creator = await (await browser.newContext({ locale: "en-US" })).newPage();
    await creator.goto(`${base}/en/signup`);
    await creator.getByLabel("Username").fill("wu-creator");
    await creator.getByLabel("Email").fill("wu-creator@example.test");
    await creator.getByLabel("Password").fill(PASSWORD);
    await creator.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => creator.url()).toBe(`${base}/en/`);

    const launch = async (topic: string, fill: () => Promise<void>) => {
      await creator.goto(`${base}/en/write`);
      await creator.getByLabel("Topic").fill(topic);
      await fill();
      await creator.getByLabel("Also search the web for sources").uncheck();
      await creator.getByRole("button", { name: "Start generation" }).click();
      await expect.poll(() => creator.url(), { timeout: 30_000 }).toMatch(/\/en\/runs\//);
      return creator.url();
    };
    // The first run holds the slot while it reads a slow source…
    await launch("Tea terraces", () => creator.getByLabel("Source URLs").fill(`${web.url}/slow-source`));
    // …so the second, written in Chinese from pasted notes, waits its turn.
    await launch("龙井茶的采摘", async () => {
      await creator
        .getByLabel("Pasted references")
        .fill(
          "龙井茶的采摘讲究时节。清明前采摘的明前茶芽叶细嫩，香气清高。采摘之后要经过摊晾、杀青和辉锅，才能形成扁平挺直的外形。",
        );
      await creator.getByLabel("Language of the article").selectOption("zh-CN");
      await creator.getByLabel("Source URLs").fill(`${web.url}/slow-notes`);
    });
    await shot(creator, "run-queued");
    const runPage = creator.url();
    await creator.goto(`${base}/en/queue`);
    await shot(creator, "queue");
    await creator.goto(runPage);

    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          await creator.reload();
          const status = (await creator.getByTestId("run-status").textContent())?.trim() ?? "";
          if (seen.at(-1) !== status) seen.push(status);
          if (status.startsWith("Running")) await shot(creator, "run-active");
          return status;
        },
        { timeout: 90_000, interval: 300 },
      )
      .toBe("Done");
    await shot(creator, "run-done");
    expect(seen[0]).toMatch(/^Queued\s*·\s*#1 in the queue/);
    expect(
      seen.some((status) => status.startsWith("Running")),
      JSON.stringify(seen),
    ).toBe(true);

    // An editor publishes the draft through the CMS's admin API, as the admin panel does.
    const draftLink = await creator.getByRole("link", { name: /龙井/ }).getAttribute("href");
    // The run page links the draft to the creator's studio editor: /{locale}/studio/articles/{locale}/{documentId}.
    const documentId = /\/studio\/articles\/[^/]+\/([a-z0-9]+)/.exec(draftLink ?? "")?.[1];
    expect(documentId, draftLink ?? "no draft link").toBeTruthy();
    expect((await api.publish(String(documentId), "zh-CN")).status).toBe(200);

    // A reader finds it by a Chinese word from its body.
    const reader = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    await expect
      .poll(
        async () => {
          await reader.goto(`${base}/zh-CN/search?q=${encodeURIComponent("杀青")}`);
          return reader.getByRole("link", { name: /龙井茶的采摘/ }).count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    await shot(reader, "search-generated");
    await reader
      .getByRole("link", { name: /龙井茶的采摘/ })
      .first()
      .click();
    await expect.poll(() => reader.locator("h1").textContent()).toMatch(/龙井/);
  });

  it("signs up, reads, comments, replies, likes, bookmarks, follows; the author is notified; signed out, personal pages are gone", async () => {
    const reader = await (await browser.newContext({ locale: "en-US" })).newPage();
    const dialogs: string[] = [];
    reader.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    // Sign up.
    await reader.goto(`${base}/en/signup`);
    await shot(reader, "signup");
    await reader.getByLabel("Username").fill("lin-reader");
    await reader.getByLabel("Email").fill("lin-reader@example.test");
    await reader.getByLabel("Password").fill(PASSWORD);
    await reader.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => reader.url()).toBe(`${base}/en/`);
    await expect.poll(() => reader.getByRole("status").textContent()).toContain("Welcome to Inkstone, lin-reader.");
    await shot(reader, "feed");

    // Find the article by a word from its body: results appear as the query is typed (no submit). The CMS indexes
    // published articles through its outbox, so first wait until the index has it.
    await expect
      .poll(async () => (await fetch(`${base}/en/search?q=notes`)).text(), { timeout: 30_000 })
      .toContain(`/en/a/${article.slug}`);
    await reader.getByRole("link", { name: "Search", exact: true }).click();
    const results = reader.locator("#search-results");
    await reader.getByLabel("Search articles").pressSequentially("notes", { delay: 30 });
    // The page swaps the results in, then puts the query in the address.
    await expect.poll(() => new URL(reader.url()).searchParams.get("q")).toBe("notes");
    expect(await results.getByRole("link", { name: "Reading with citations" }).count()).toBe(1);
    expect(await results.locator("mark").first().textContent()).toMatch(/notes/i);
    await shot(reader, "search");
    // A Chinese query finds the Chinese article.
    await expect
      .poll(
        async () => {
          await reader.goto(`${base}/zh-CN/search?q=${encodeURIComponent("普洱")}`);
          return reader.locator(`#search-results a[href="/zh-CN/a/${chinese.slug}"]`).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await reader.goto(`${base}/en/search?q=notes`);
    await reader.locator("#search-results").getByRole("link", { name: "Reading with citations" }).click();
    await expect.poll(() => reader.url()).toBe(`${base}/en/a/${article.slug}`);
    expect(await reader.getByRole("heading", { level: 1 }).textContent()).toBe("Reading with citations");
    await reader.locator('sup.cite a[href="#source-2"]').first().click();
    await expect.poll(() => reader.url()).toContain("#source-2");

    // Comment, then reply to it.
    await reader.getByLabel("Your comment", { exact: true }).fill("A clear case for **citations**.");
    await reader.getByRole("button", { name: "Post comment" }).click();
    await expect.poll(() => reader.locator(".comment .body strong").first().textContent()).toBe("citations");
    const comment = reader.locator(".comment").first();
    await comment.locator("summary", { hasText: "Reply" }).click();
    await comment.getByLabel("Your reply to lin-reader").fill("And a reply, threaded.");
    await comment.getByRole("button", { name: "Post reply" }).click();
    await expect
      .poll(() => reader.locator(".comment .comment .body").first().textContent())
      .toContain("And a reply, threaded.");

    // An XSS payload renders as inert text and markup.
    await reader
      .getByLabel("Your comment", { exact: true })
      .fill(
        '<img src=x onerror="alert(1)"> <script>alert(2)</script> [click me](javascript:alert(3)) <svg onload=alert(4)>',
      );
    const before = reader.url();
    await reader.getByRole("button", { name: "Post comment" }).click();
    // Back from the post's redirect (on the new comment's anchor) before reloading.
    await reader.waitForURL((url) => url.href !== before && url.hash.startsWith("#comment-"));
    await reader.reload();
    const xss = reader.locator(".comment .body").last();
    await expect.poll(() => xss.textContent()).toContain("click me");
    expect(await reader.locator(".comment .body img, .comment .body script, .comment .body svg").count()).toBe(0);
    expect(await reader.locator('.comment .body a[href^="javascript"]').count()).toBe(0);
    expect(await reader.evaluate(() => document.querySelectorAll("[onerror],[onload],[onclick]").length)).toBe(0);
    await xss.getByText("click me").click();
    expect(dialogs).toEqual([]);

    // Like, bookmark, follow the author.
    await reader.getByTestId("like").click();
    await expect.poll(() => reader.getByTestId("like").textContent()).toBe("Unlike");
    await reader.getByTestId("bookmark").click();
    await expect.poll(() => reader.getByTestId("bookmark").textContent()).toBe("Remove bookmark");
    await reader.getByTestId("follow").click();
    await expect.poll(() => reader.getByTestId("follow").textContent()).toBe("Unfollow grace-author");
    await shot(reader, "article");
    await reader.getByRole("link", { name: "Bookmarks" }).click();
    expect(await reader.getByRole("link", { name: "Reading with citations" }).count()).toBe(1);
    await reader.getByRole("link", { name: "Following", exact: true }).click();
    expect(await reader.getByRole("link", { name: "Reading with citations" }).count()).toBe(1);
    await shot(reader, "bookmarks");

    // The author signs in and sees the unread badge, then the notifications.
    const author = await (await browser.newContext()).newPage();
    await author.goto(`${base}/en/signin`);
    await author.getByLabel("Username or email").fill("grace-author");
    await author.getByLabel("Password").fill(PASSWORD);
    await author.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => author.url()).toBe(`${base}/en/`);
    const badge = author.getByTestId("unread-badge");
    await expect
      .poll(async () => Number((await badge.textContent())?.match(/\d+/)?.[0] ?? 0))
      .toBeGreaterThanOrEqual(3);
    await author.getByRole("link", { name: /Notifications/ }).click();
    const notes = (await author.locator(".notifications-list").textContent()) ?? "";
    expect(notes).toContain("lin-reader commented on “Reading with citations”.");
    expect(notes).toContain("lin-reader follows you.");
    expect(notes).toContain("An editor published your article “Reading with citations”.");
    await shot(author, "notifications");
    await author.getByRole("button", { name: "Mark all as read" }).click();
    await expect.poll(() => badge.count()).toBe(0);

    // The reader signs out; personal pages send them to sign in.
    await reader.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => reader.getByRole("status").textContent()).toContain("You are signed out.");
    for (const path of ["/en/bookmarks", "/en/notifications", "/en/settings", "/en/following"]) {
      await reader.goto(`${base}${path}`);
      expect(new URL(reader.url()).pathname, path).toBe("/en/signin");
    }
    const cookies = await reader.context().cookies();
    expect(cookies.find((c) => c.name === "inkstone_session")).toBeUndefined();
    await shot(reader, "signin");
  });

  it("reaches every control by keyboard, starting with the skip link, with a visible focus", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/en/a/${article.slug}`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe("solid");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("refuses a cross-site form post", async () => {
    const context = await browser.newContext();
    const response = await context.request.post(`${base}/api/auth/signin`, {
      form: { identifier: "grace-author", password: PASSWORD },
      headers: { origin: "https://evil.example" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect((await context.cookies()).find((c) => c.name === "inkstone_session")).toBeUndefined();
  });

  it("shows pages in Chinese with a language switch, and dark mode from the system", async () => {
    const page = await (await browser.newContext({ colorScheme: "dark" })).newPage();
    await page.goto(`${base}/zh-CN/`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("最新文章");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(22, 21, 20)");
    await shot(page, "feed-zh-dark");
    await page.getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.url()).toBe(`${base}/en/`);
  });
});
