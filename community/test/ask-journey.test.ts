// Ask Inkstone as two members live it, in Debian's Chromium, against the real CMS, Temporal, worker and community,
// with a stand-in model streaming its answer piece by piece. One generation slot: one answer streams while the other
// waits its turn. Screenshots land in test-results/screenshots/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CmsApi, cmsApi, PASSWORD } from "../../cms/test/cms-api.ts";
import { ROOT } from "../../scripts/stack/paths.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { startLlmStub } from "../../workflows/test/support/llm-stub.ts";
import { findChromium, launchChromium } from "./support/browser.ts";
import { publishArticle } from "./support/content.ts";
import { Visitor } from "./support/visitor.ts";

const chromium = findChromium();
const SHOTS = join(ROOT, "test-results", "screenshots");

type Member = { name: string; context: BrowserContext; page: Page; jwt: string };

let browser: Browser;
let base: string;
let api: CmsApi;
let llm: Awaited<ReturnType<typeof startLlmStub>>;
const members: Record<string, Member> = {};

/** A member signed up through the community, their session in a browser of their own. */
async function member(name: string): Promise<Member> {
  const visitor = new Visitor(base);
  const joined = await visitor.signUp(name, PASSWORD);
  expect(joined.status, joined.text).toBe(303);
  const context = await browser.newContext();
  await context.addCookies(
    visitor.cookieNames.map((cookie) => ({ name: cookie, value: String(visitor.cookie(cookie)), url: base })),
  );
  const signedIn = await api.signIn(name, PASSWORD);
  expect(signedIn.status).toBe(200);
  return { name, context, page: await context.newPage(), jwt: signedIn.body.jwt };
}

/** Asks on the Ask page (new conversation) or the conversation's page (follow-up) by typing and pressing the button. */
async function askOnPage(page: Page, question: string): Promise<void> {
  await page.fill("textarea[name=question]", question);
  await Promise.all([
    page.waitForURL(/\/en\/ask\/[a-z0-9]+/),
    page.click("form:has(textarea[name=question]) button[type=submit]"),
  ]);
}

const answerText = (page: Page) =>
  page
    .evaluate(() => document.querySelector("[data-answer-text]")?.textContent ?? null)
    .catch(() => null /* the page is navigating */);
const answerStatus = (page: Page) =>
  page.evaluate(() => document.querySelector("[data-answer-status]")?.textContent ?? null).catch(() => null);
const lastAnswerState = (page: Page) =>
  page.evaluate(() => document.querySelector("li.answer:last-of-type")?.getAttribute("data-status") ?? null);

/** The member's latest answer as the CMS keeps it. */
async function savedAnswer(member: Member): Promise<{ text: string; status: string }> {
  const conversationId = /\/ask\/([a-z0-9]+)/.exec(member.page.url())?.[1];
  const reply = await api.call("GET", `/api/conversations/${conversationId}`, { token: member.jwt });
  expect(reply.status).toBe(200);
  const answers = (reply.body.data.messages as { role: string; text: string; status: string }[]).filter(
    (m) => m.role === "answer",
  );
  return answers.at(-1) as { text: string; status: string };
}

/**
 * Samples the streaming answer's text every 50 ms until it ends (its `data-status` is final), reloading the page once
 * when `reloadAfterChars` characters have arrived. Returns every text seen while streaming.
 */
async function watch(page: Page, { reloadAfterChars }: { reloadAfterChars?: number } = {}): Promise<string[]> {
  const seen: string[] = [];
  let reloaded = reloadAfterChars === undefined;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const state = await lastAnswerState(page).catch(() => null);
    if (state === "done" || state === "stopped" || state === "failed") return seen;
    const text = await answerText(page);
    if (text && text !== seen.at(-1)) seen.push(text);
    if (!reloaded && text && text.length >= (reloadAfterChars ?? 0)) {
      reloaded = true;
      await page.reload();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the answer did not end within 90 s");
}

describe.skipIf(!chromium)("Ask Inkstone in a real browser", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // About ten pieces an answer: half a second apart, or a second and a half for questions marked [slow].
    llm = await startLlmStub({ answerPieceMs: 500, slowAnswerPieceMs: 1500 });
    const { env } = await startTestApps(["cms", "worker", "community"], {
      GENERATION_CONCURRENCY: "1",
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "stub-key",
      OPENAI_MODEL: "stub-model",
    });
    base = String(env.COMMUNITY_URL);
    api = cmsApi(env);
    const author = await api.signUp("tide-writer");
    const article = await publishArticle(api, author.user.documentId, "ask-journey-tides", {
      title: "How predictable is tidal power",
      summary: "Tides follow the moon, so tidal power can be forecast years ahead.",
      body:
        "## Forecasts\n\nTidal power follows the moon and the sun, so its output can be predicted years ahead. " +
        "Wind and sun cannot be forecast so far. Engineers weigh the costs of a tidal barrage against the harm to " +
        "estuaries before they build.\n",
    });
    // Answers are drawn from the search index, which the CMS fills from its outbox.
    const reader = new Visitor(base);
    await vi.waitFor(
      async () => expect((await reader.get("/en/search?q=tidal")).text).toContain(`/en/a/${article.slug}`),
      { timeout: 30_000, interval: 500 },
    );
    browser = await launchChromium(String(chromium));
    members.ada = await member("ada-asks");
    members.bo = await member("bo-asks");
  });
  afterAll(async () => {
    await browser?.close();
    await llm?.close();
  });

  it("streams one answer while the other shows its place in the queue, then streams that one", async () => {
    const { ada, bo } = members as { ada: Member; bo: Member };
    await Promise.all([ada.page.goto(`${base}/en/ask`), bo.page.goto(`${base}/en/ask`)]);
    await askOnPage(ada.page, "How predictable is tidal power?");
    await askOnPage(bo.page, "Is tidal power easier to forecast than wind?");

    // Ada's answer streams while Bo's waits: sample both pages until Ada's ends.
    const adaTexts: string[] = [];
    const boStatuses = new Set<string>();
    const deadline = Date.now() + 60_000;
    while ((await lastAnswerState(ada.page)) !== "done" && Date.now() < deadline) {
      const text = await answerText(ada.page);
      if (text && text !== adaTexts.at(-1)) adaTexts.push(text);
      const status = await answerStatus(bo.page);
      if (status) boStatuses.add(status);
      if (adaTexts.length === 3) await bo.page.screenshot({ path: join(SHOTS, "ask-queued-en.png"), fullPage: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(adaTexts.length, "visible updates of the streaming answer").toBeGreaterThanOrEqual(5);
    expect([...boStatuses]).toContain("Queued · #1");
    const adaSaved = await savedAnswer(ada);
    expect(adaSaved.status).toBe("done");
    // Every text shown while streaming was the start of the answer as saved: nothing out of order or repeated.
    for (const text of adaTexts) expect(adaSaved.text.startsWith(text), text).toBe(true);
    await ada.page.screenshot({ path: join(SHOTS, "ask-answer-en.png"), fullPage: true });

    // Then Bo's streams in turn.
    const boTexts = await watch(bo.page);
    expect(boTexts.length).toBeGreaterThanOrEqual(5);
    expect((await savedAnswer(bo)).status).toBe("done");
    await expect.poll(() => bo.page.locator("li.answer:last-of-type a[href*='/en/a/']").count()).toBeGreaterThan(0);
  });

  it("resumes after a reload in the middle of an answer, with nothing lost or repeated", async () => {
    const { ada } = members as { ada: Member };
    await askOnPage(ada.page, "[slow] What do engineers weigh before building a tidal barrage?");
    const texts = await watch(ada.page, { reloadAfterChars: 60 });
    const saved = await savedAnswer(ada);
    expect(saved.status).toBe("done");
    // Seen before and after the reload, every text is the start of the saved answer, and it kept growing.
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (const text of texts) expect(saved.text.startsWith(text), text).toBe(true);
    expect(texts.some((text) => text.length < 60)).toBe(true);
    expect(texts.at(-1)?.length ?? 0).toBeGreaterThan(60);
  });

  it("stops an answer mid-stream and keeps what was written, marked as stopped", async () => {
    const { bo } = members as { bo: Member };
    await askOnPage(bo.page, "[slow] How far ahead can tides be predicted?");
    await expect.poll(async () => (await answerText(bo.page))?.length ?? 0, { timeout: 30_000 }).toBeGreaterThan(20);
    await Promise.all([bo.page.waitForNavigation(), bo.page.click("[data-answer-cancel] button")]);
    await expect.poll(() => lastAnswerState(bo.page), { timeout: 30_000 }).toBe("stopped");
    const saved = await savedAnswer(bo);
    expect(saved.status).toBe("stopped");
    expect(saved.text.length).toBeGreaterThan(20);
    await bo.page.reload();
    const shown = await bo.page.locator("li.answer:last-of-type").innerText();
    expect(shown).toContain("Stopped");
    await bo.page.screenshot({ path: join(SHOTS, "ask-stopped-en.png"), fullPage: true });
  });

  it("keeps conversations across sign-in, and shows nobody else's", async () => {
    const { ada, bo } = members as { ada: Member; bo: Member };
    const conversation = ada.page.url();
    const title = await ada.page.locator("h1").innerText();
    // Signed out and in again (the sign-in form), the conversations are all still there.
    await ada.page.click("form[action='/api/auth/signout'] button");
    await ada.page.goto(`${base}/en/signin`);
    await ada.page.fill("input[name=identifier]", "ada-asks");
    await ada.page.fill("input[name=password]", PASSWORD);
    await Promise.all([ada.page.waitForNavigation(), ada.page.click("main form button[type=submit]")]);
    await ada.page.goto(`${base}/en/ask`);
    await expect.poll(() => ada.page.locator(`a:has-text(${JSON.stringify(title)})`).count()).toBeGreaterThan(0);
    await ada.page.screenshot({ path: join(SHOTS, "ask-list-en.png"), fullPage: true });
    await ada.page.goto(`${base}/zh-CN/ask`);
    await ada.page.screenshot({ path: join(SHOTS, "ask-list-zh.png"), fullPage: true });

    // Bo opening Ada's conversation finds nothing there.
    const other = await bo.page.goto(conversation);
    expect(other?.status()).toBe(404);
  });
});
