// The creator studio's whole journey in Debian's Chromium, against the real CMS (its admin panel included), worker and
// community: a creator launches a run and finds it in the studio, edits a paragraph of its draft keeping the
// citations, and submits it; an editor opens the preview from the Strapi admin and asks for changes with a note; the
// creator reads the note, fixes the draft and submits again; the editor publishes; the creator is told, and the
// article is live and searchable. Screenshots land in test-results/screenshots/journey-*.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackEnv } from "../../scripts/stack/apps.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { articlePage, startFixtureWeb } from "../../workflows/test/support/fixture-web.ts";
import { findChromium, launchChromium } from "./support/browser.ts";

const executablePath = findChromium();
const SHOTS = join(ROOT, "test-results", "screenshots");
const PASSWORD = "Passw0rd-long";
const TOPIC = "Lighthouse keepers";
// The creator's own sentence, and the editor's ask: words no source has, so finding them proves whose text it is.
const EDITED = "Keepers trimmed the wicks every four hours through the night";
const FIXED = "Their logbooks recorded each passing ship by name";

let browser: Browser;
let env: StackEnv;
let base: string;
let web: Awaited<ReturnType<typeof startFixtureWeb>>;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `journey-${name}.png`), fullPage: true });

/** Presses `name` (a button that submits a form) and waits for the page the form leads to. */
async function press(page: Page, name: string | RegExp): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name }).first().click()]);
}

/** Replaces the body's first paragraph after its first heading, keeping the paragraph's citation markers. */
function editFirstParagraph(body: string, sentence: string): string {
  const blocks = body.split(/\n{2,}/);
  const index = blocks.findIndex((block) => !block.startsWith("#") && /\[\d+\]/.test(block));
  expect(index, body).toBeGreaterThanOrEqual(0);
  const markers = (blocks[index] ?? "").match(/\[\d+\]/g) ?? [];
  blocks[index] = `${sentence} ${markers.join("")}.`;
  return blocks.join("\n\n");
}

describe.skipIf(!executablePath)("the creator studio's journey in a real browser", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startFixtureWeb({
      "/keepers": {
        body: articlePage("Lighthouse keepers", [
          "Lighthouse keepers lived at the light for months at a time, with supplies brought by boat.",
          "The lamp had to burn from sunset to sunrise, so keepers split the night into watches.",
          "Fog signals were sounded when the light could not be seen, sometimes for days on end.",
          "Automation in the twentieth century replaced most keepers with machines and remote monitoring.",
          "Many lighthouses are now museums, and former keepers guide visitors through them.",
        ]),
      },
    });
    ({ env } = await startTestApps(["cms", "worker", "community"], { FETCH_ALLOW_PRIVATE: "true" }));
    base = String(env.COMMUNITY_URL);
    browser = await launchChromium(String(executablePath));
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("launch, studio, edit with citations, submit; preview from the admin, changes asked; fix, resubmit; publish; told and live", async () => {
    const creator = await (await browser.newContext({ locale: "en-US" })).newPage();
    await creator.goto(`${base}/en/signup`);
    await creator.getByLabel("Username").fill("ida-keeper");
    await creator.getByLabel("Email").fill("ida-keeper@example.test");
    await creator.getByLabel("Password").fill(PASSWORD);
    await press(creator, "Sign up");

    // A run, launched from the form and watched to the end.
    await creator.goto(`${base}/en/write`);
    await creator.getByLabel("Topic").fill(TOPIC);
    await creator.getByLabel("Language of the article").selectOption("en");
    await creator.getByLabel("Source URLs").fill(`${web.url}/keepers`);
    await press(creator, "Start generation");
    expect(creator.url()).toMatch(/\/en\/runs\//);
    const runPath = new URL(creator.url()).pathname;
    await expect
      .poll(
        async () => {
          await creator.reload();
          return (await creator.getByTestId("run-status").textContent())?.trim();
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe("Done");
    await shot(creator, "run-en");
    await creator.goto(`${base}${runPath.replace(/^\/en\//, "/zh-CN/")}`);
    await shot(creator, "run-zh-CN");

    // The studio lists the run and its draft; the draft opens in the editor.
    await creator.goto(`${base}/en/studio`);
    expect(await creator.getByText(TOPIC).count()).toBeGreaterThan(0);
    await shot(creator, "studio-en");
    await creator.goto(`${base}/zh-CN/studio`);
    await shot(creator, "studio-zh-CN");
    await creator.goto(`${base}/en/studio`);
    const draftLink = creator.locator('a[href^="/en/studio/articles/en/"]').first();
    const editorPath = String(await draftLink.getAttribute("href"));
    await creator.goto(`${base}${editorPath}`);
    const body = creator.getByLabel("Body (Markdown)");
    const original = await body.inputValue();
    const edited = editFirstParagraph(original, EDITED);
    await body.fill(edited);
    await shot(creator, "editor-en");
    await press(creator, "Save draft");
    expect(await creator.getByRole("status").first().textContent()).toContain("Draft saved.");
    expect(await body.inputValue()).toBe(edited.trim());
    await press(creator, "Submit for review");
    expect(await creator.getByTestId("review-state").textContent()).toBe("Submitted for review");
    await creator.goto(`${base}${editorPath.replace(/^\/en\//, "/zh-CN/")}`);
    await shot(creator, "editor-zh-CN");
    const documentId = editorPath.split("/").at(-1) as string;

    // The editor: signs in to the Strapi admin, opens the draft, and its preview.
    const editor = await (
      await browser.newContext({ locale: "en-US", viewport: { width: 1440, height: 1000 } })
    ).newPage();
    const cms = String(env.CMS_URL);
    await editor.goto(`${cms}/admin/auth/login`);
    await editor.getByLabel("Email").fill(String(env.ADMIN_EMAIL));
    await editor.getByLabel("Password").fill(String(env.ADMIN_PASSWORD));
    await editor.getByRole("button", { name: "Login" }).click();
    await editor.waitForURL(/\/admin(\/)?$/, { timeout: 60_000 });
    const editView = `${cms}/admin/content-manager/collection-types/api::article.article/${documentId}?plugins[i18n][locale]=en`;
    await editor.goto(editView);
    await editor.getByRole("link", { name: "Open preview" }).click();
    const previewFrame = async (): Promise<Frame | undefined> =>
      editor.frames().find((frame) => frame.url().includes(`/en/preview/${documentId}`));
    await expect.poll(async () => (await previewFrame())?.url(), { timeout: 30_000 }).toBeTruthy();
    const frame = (await previewFrame()) as Frame;
    await expect.poll(() => frame.locator(".article-body").textContent(), { timeout: 30_000 }).toContain(EDITED);
    expect(await frame.getByText("Preview · not published").count()).toBe(1);
    await shot(editor, "admin-preview-en");

    // …asks for changes with a note, in the edit view.
    await editor.goto(editView);
    await editor.getByRole("combobox", { name: "Review state" }).click();
    await editor.getByRole("option", { name: "changes_requested" }).click();
    const note = "Add a sentence about the logbooks.";
    await editor.getByLabel("Note to the creator").fill(note);
    await editor.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => editor.getByText(/Saved/).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // The creator sees the note in the studio and in notifications, fixes the draft, submits again.
    await creator.goto(`${base}/en/studio`);
    expect(await creator.locator("body").textContent()).toContain(note);
    await creator.goto(`${base}/en/notifications`);
    expect(await creator.locator("main").textContent()).toContain(note);
    await creator.goto(`${base}${editorPath}`);
    const again = editFirstParagraph(await body.inputValue(), `${EDITED}. ${FIXED}`);
    await body.fill(again);
    await press(creator, "Save draft");
    await press(creator, "Submit for review");
    expect(await creator.getByTestId("review-state").textContent()).toBe("Submitted for review");

    // The editor publishes from the admin.
    await editor.goto(editView);
    await editor.getByLabel("Note to the creator").waitFor({ timeout: 30_000 });
    await shot(editor, "admin-submitted-en");
    await editor.getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => editor.getByText("Published document").count(), { timeout: 20_000 }).toBe(1);
    await shot(editor, "admin-published-en");

    // The creator is told, and the article is live and found by a word of the fix.
    const published = creator.getByRole("link", { name: /An editor published your article/ });
    await expect
      .poll(
        async () => {
          await creator.goto(`${base}/en/notifications`);
          return published.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    await shot(creator, "notified-en");
    await published.click();
    await creator.waitForURL(/\/en\/a\//);
    const articlePath = new URL(creator.url()).pathname;
    expect(await creator.locator(".article-body").textContent()).toContain(FIXED);
    await expect
      .poll(
        async () => {
          await creator.goto(`${base}/en/search?q=logbooks`);
          return creator.locator(`#search-results a[href="${articlePath}"]`).count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
  });
});
