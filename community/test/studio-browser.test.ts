// The creator studio in Debian's Chromium against the real CMS and community: what the editor's script adds (a live
// preview, citation problems as they are typed), the preview page framed by the CMS admin's origin (and no other
// page framed anywhere), and screenshots of the studio, the editor and the preview in both languages.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { previewPath } from "@inkstone/config/preview";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CmsApi, cmsApi, draft } from "../../cms/test/cms-api.ts";
import { HEADLESS_FLAGS } from "../../scripts/quality/chrome.ts";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { findChromium } from "./support/browser.ts";
import { citedBody, publishArticle } from "./support/content.ts";

const executablePath = findChromium();
const SHOTS = join(ROOT, "test-results", "screenshots");
const PASSWORD = "Passw0rd-long";

let browser: Browser;
let env: StackEnv;
let base: string;
let api: CmsApi;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!executablePath)("the studio in a real browser", () => {
  let creator: Page;
  let english: string;
  let chinese: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ env } = await startTestApps(["cms", "community"]));
    base = String(env.COMMUNITY_URL);
    api = cmsApi(env);
    // The CMS admin's page that frames the preview is the test's own (answered by the browser's request routing, from
    // no address at all), which Chromium takes for a public site and so keeps from framing a loopback one; the real
    // admin and community share an address space (both loopback here, both public in production).
    browser = await chromium.launch({
      executablePath: executablePath as string,
      args: [...HEADLESS_FLAGS, "--disable-features=LocalNetworkAccessChecks"],
    });
    creator = await (await browser.newContext({ locale: "en-US" })).newPage();
    await creator.goto(`${base}/en/signup`);
    await creator.getByLabel("Username").fill("hana-creator");
    await creator.getByLabel("Email").fill("hana-creator@example.test");
    await creator.getByLabel("Password").fill(PASSWORD);
    await creator.getByRole("button", { name: "Sign up" }).click();
    await creator.waitForURL(`${base}/en/`);
    const signIn = await api.signIn("hana-creator");
    const userId = signIn.body.user.documentId as string;
    const save = async (runId: string, overrides: Record<string, unknown>) => {
      const saved = await api.saveDraft(runId, draft(userId, runId, { ...citedBody, ...overrides }));
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return saved.body.data.documentId as string;
    };
    english = await save("studio-browser-en", { title: "Tide tables and the moon", summary: "Why tides follow it." });
    chinese = await save("studio-browser-zh", {
      locale: "zh-CN",
      title: "潮汐与月亮",
      summary: "潮汐为什么跟着月亮走。",
      body: "## 为什么\n\n潮汐跟着月亮走 [1]。太阳也有影响 [2]。\n",
      tags: ["海洋"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the drafts in the studio, in both languages", async () => {
    await creator.getByRole("link", { name: "Studio" }).click();
    await expect.poll(() => creator.url()).toBe(`${base}/en/studio`);
    expect(await creator.getByRole("link", { name: "Tide tables and the moon" }).count()).toBe(1);
    await shot(creator, "studio-en");
    await creator.goto(`${base}/zh-CN/studio`);
    expect(await creator.getByRole("heading", { name: "我的文章" }).count()).toBe(1);
    expect(await creator.getByRole("link", { name: "潮汐与月亮" }).count()).toBe(1);
    await shot(creator, "studio-zh-CN");
  });

  it("previews as the member types, says at once when a citation points nowhere, then saves and submits", async () => {
    await creator.goto(`${base}/en/studio/articles/en/${english}`);
    const preview = creator.getByTestId("preview");
    // The script shows the preview at once and keeps it in step with the form.
    await expect.poll(() => preview.isVisible()).toBe(true);
    const body = creator.getByLabel("Body (Markdown)");
    await body.fill(`${citedBody.body}\nThe moon pulls the sea [2].\n`);
    await expect.poll(() => preview.locator(".article-body").textContent()).toContain("The moon pulls the sea");
    expect(await preview.locator('.article-body a[href="#source-2"]').count()).toBeGreaterThan(0);
    await body.fill(`${citedBody.body}\nThe moon pulls the sea [9].\n`);
    const error = creator.locator("#editor-body-error");
    await expect.poll(() => error.textContent()).toContain("[9] points to no source: the article lists 2");
    expect(await body.getAttribute("aria-invalid")).toBe("true");
    await shot(creator, "editor-en");
    // Saving it anyway is refused by the server, with the same message and the text kept.
    await creator.getByRole("button", { name: "Save draft" }).click();
    await expect.poll(() => creator.getByTestId("editor-message").textContent()).toContain("Please fix the fields");
    expect(await body.inputValue()).toContain("[9]");
    await body.fill(`${citedBody.body}\nThe moon pulls the sea [2].\n`);
    await creator.getByRole("button", { name: "Save draft" }).click();
    await expect.poll(() => creator.getByRole("status").first().textContent()).toContain("Draft saved.");
    await creator.getByRole("button", { name: "Submit for review" }).click();
    await expect.poll(() => creator.getByTestId("read-only").count()).toBe(1);
    expect(await creator.getByTestId("review-state").textContent()).toBe("Submitted for review");
    await shot(creator, "editor-submitted-en");
    await creator.getByRole("button", { name: "Withdraw from review" }).click();
    await expect.poll(() => creator.getByLabel("Body (Markdown)").count()).toBe(1);

    await creator.goto(`${base}/zh-CN/studio/articles/zh-CN/${chinese}`);
    await expect.poll(() => creator.getByTestId("preview").isVisible()).toBe(true);
    expect(await creator.getByRole("button", { name: "保存草稿" }).count()).toBe(1);
    await shot(creator, "editor-zh-CN");
  });

  it("shows the preview inside the CMS admin's frame, and no other page in any frame", async () => {
    const cms = new URL(String(env.CMS_URL)).origin;
    const secret = String(env.COMMUNITY_WEBHOOK_SECRET);
    const published = await publishArticle(
      api,
      (await api.signIn("hana-creator")).body.user.documentId,
      "studio-browser-pub",
      {
        title: "Published tides",
      },
    );
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    // A page on the CMS's origin framing the preview, as the admin's Preview panel does.
    const framing = (src: string) =>
      `<!doctype html><html lang="en"><title>Admin</title><iframe src="${src}" width="900" height="700"></iframe></html>`;
    await page.route(`${cms}/frame/**`, (route) => {
      const src = decodeURIComponent(new URL(route.request().url()).pathname.slice("/frame/".length));
      return route.fulfill({ status: 200, contentType: "text/html", body: framing(`${base}${src}`) });
    });
    const framed = async (path: string) => {
      await page.goto(`${cms}/frame/${encodeURIComponent(path)}`);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      await expect.poll(() => frame?.url()).not.toBe("about:blank");
      return frame;
    };
    const preview = await framed(previewPath(secret, { documentId: english, locale: "en" }));
    await expect.poll(() => preview?.locator('[data-testid="preview-banner"]').count()).toBe(1);
    expect(await preview?.locator("h1").textContent()).toBe("Tide tables and the moon");
    const article = await framed(`/en/a/${published.slug}`);
    // Refused by the browser: the frame shows its error page, not ours.
    await expect.poll(() => article?.url()).toMatch(/^chrome-error:/);

    await page.goto(`${base}${previewPath(secret, { documentId: english, locale: "en" })}`);
    await shot(page, "preview-en");
    await page.goto(`${base}${previewPath(secret, { documentId: chinese, locale: "zh-CN" })}`);
    expect(await page.getByTestId("preview-banner").textContent()).toContain("预览 · 未发布");
    await shot(page, "preview-zh-CN");
  });
});
