// An account as a new member lives it, in Debian's Chromium, against the real CMS and community with every mail read
// from the run's mail catcher: sign up, confirm the address from the banner's mail, forget the password, reset it
// from the mailed link, and sign in with the new one. Screenshots land in test-results/screenshots/account-*.png.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/paths.ts";
import { linkIn, mailbox } from "../../scripts/test/mailbox.ts";
import { startTestApps } from "../../scripts/test/services.ts";
import { findChromium, launchChromium } from "./support/browser.ts";

const chromium = findChromium();
const SHOTS = join(ROOT, "test-results", "screenshots");
const RUN = randomBytes(3).toString("hex");
const NAME = `journey${RUN}`;
const EMAIL = `${NAME}@example.test`;
const PASSWORD = "Passw0rd-long";
const NEW_PASSWORD = "A-new-passw0rd";

let browser: Browser;
let base: string;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `account-${name}.png`), fullPage: true });

/** Presses `button` (a form's) and waits for the page the form leads to (post, redirect, get). */
async function submit(button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

describe.skipIf(!chromium)("an account in a real browser", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { env } = await startTestApps(["cms", "community"], { MEMBER_EMAIL_VERIFICATION: "required" });
    base = String(env.COMMUNITY_URL);
    browser = await launchChromium(String(chromium));
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("signs up, confirms the address from its mail, resets a forgotten password and signs in with it", async () => {
    // Sign up: member pages ask to confirm the address, with a button for a new link.
    await page.goto(`${base}/en/signup`);
    await page.fill("input[name=username]", NAME);
    await page.fill("input[name=email]", EMAIL);
    await page.fill("input[name=password]", PASSWORD);
    await submit("form[action='/api/auth/signup'] button");
    const banner = page.locator("[data-testid=confirm-banner]");
    await expect.poll(() => banner.count()).toBe(1);
    expect(await banner.textContent()).toContain("Confirm your e-mail address");
    await shot("banner-en");

    // The mail's link opens a page with one button; pressing it confirms, and the banner goes.
    const verification = await mailbox().waitFor(EMAIL, { subject: /Confirm your e-mail address/ });
    await page.goto(linkIn(verification, /^\/en\/verify-email$/).toString());
    await shot("verify-en");
    await submit("form[action='/api/account/verify-email'] button");
    expect(await page.locator(".flash.ok").textContent()).toContain("Your e-mail address is confirmed");
    expect(await banner.count()).toBe(0);

    // Settings hold the account's sections.
    await page.goto(`${base}/en/settings`);
    for (const id of ["password", "email", "mail", "export", "delete"])
      expect(await page.locator(`section#${id}`).count(), id).toBe(1);
    await shot("settings-en");
    await page.goto(`${base}/zh-CN/settings`);
    await shot("settings-zh");

    // Signed out, the password forgotten: from the sign-in page to the mail.
    await submit("form[action='/api/auth/signout'] button");
    await page.goto(`${base}/en/signin`);
    await Promise.all([page.waitForURL(/\/en\/forgot-password$/), page.click("text=Forgot your password?")]);
    await page.fill("input[name=email]", EMAIL);
    await shot("forgot-en");
    await submit("form[action='/api/account/forgot-password'] button");
    expect(page.url()).toBe(`${base}/en/forgot-password?sent=1`);
    expect(await page.locator("[data-testid=forgot-sent]").textContent()).toContain("If an account has this address");
    await shot("forgot-sent-en");

    const reset = await mailbox().waitFor(EMAIL, { subject: /Reset your Inkstone password/ });
    const link = linkIn(reset, /^\/en\/reset-password$/);
    await page.goto(link.toString());
    await page.fill("input[name=password]", NEW_PASSWORD);
    await page.fill("input[name=repeat]", NEW_PASSWORD);
    await shot("reset-en");
    await submit("form[action='/api/account/reset-password'] button");
    expect(new URL(page.url()).pathname).toBe("/en/signin");
    expect(await page.locator(".flash.ok").textContent()).toContain("Sign in with your new password");
    await shot("reset-done-en");

    // The old password no longer works; the new one does.
    await page.fill("input[name=identifier]", NAME);
    await page.fill("input[name=password]", PASSWORD);
    await submit("form[action='/api/auth/signin'] button");
    expect(await page.locator(".flash.error").textContent()).toContain("do not match");
    await page.fill("input[name=identifier]", NAME);
    await page.fill("input[name=password]", NEW_PASSWORD);
    await submit("form[action='/api/auth/signin'] button");
    expect(await page.locator(".flash.ok").textContent()).toContain("Welcome back");

    // The link, used, says so in the member's language.
    await page.goto(link.toString().replace("/en/", "/zh-CN/"));
    expect(await page.locator("h1").textContent()).toBe("链接已经用过");
    await shot("reset-used-zh");
  });
});
