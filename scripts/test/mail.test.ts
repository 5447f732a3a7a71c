import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Infra, startInfra } from "../stack/infra.ts";
import { MissingPrerequisite } from "../stack/prerequisite.ts";
import { ephemeralSecrets } from "../stack/secrets.ts";
import { stackEnv } from "../stack/stack.ts";
import { freePort, httpAnswers, tcpAnswers } from "../stack/wait.ts";
import { linkIn, mailbox, parseHeaders } from "./mailbox.ts";
import { isolationId, testInfra } from "./services.ts";

// nodemailer (which the CMS sends with) ships no types; this is the little of it used here.
type Transport = {
  sendMail(message: Record<string, unknown>): Promise<{ messageId: string }>;
  close(): void;
};
const nodemailer = createRequire(import.meta.url)("nodemailer") as {
  createTransport(options: { host: string; port: number; secure: boolean }): Transport;
};

const dir = mkdtempSync(join(tmpdir(), "inkstone-mail-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shared servers as given ones, so startInfra starts only what the environment leaves out. */
const givenServers = (): NodeJS.ProcessEnv => {
  const infra = testInfra();
  return {
    DATABASE_URL: infra.databaseUrl,
    MEILI_URL: infra.meiliUrl,
    MEILI_MASTER_KEY: infra.meiliMasterKey,
    TEMPORAL_ADDRESS: infra.temporalAddress,
  };
};

const infraPorts = async () => ({
  postgres: await freePort(),
  meilisearch: await freePort(),
  temporal: await freePort(),
  smtp: await freePort(),
  mailWeb: await freePort(),
});

describe("the mail catcher, started by the launcher's code", () => {
  let infra: Infra;
  let transport: Transport;
  const id = isolationId();
  const ann = `ann-${id}@example.test`;
  const bob = `bob-${id}@example.test`;
  afterAll(async () => {
    transport?.close();
    await infra?.stop();
  });

  it("runs when SMTP_HOST is unset, on the ports given, and is what the apps are pointed at", async () => {
    const ports = await infraPorts();
    infra = await startInfra({
      dataDir: dir,
      logDir: join(dir, "logs"),
      ports,
      meiliMasterKey: testInfra().meiliMasterKey,
      env: givenServers(),
    });
    expect(infra.services.filter((s) => s.process).map((s) => s.name)).toEqual(["mail"]);
    expect(infra).toMatchObject({
      smtpHost: "127.0.0.1",
      smtpPort: ports.smtp,
      mailWebUrl: `http://127.0.0.1:${ports.mailWeb}`,
    });
    expect(await httpAnswers(`${infra.mailWebUrl}/api/healthz`)).toBe(true);

    // The apps send through it; settings meant for a real server (TLS, a login) do not reach it.
    const env = stackEnv(infra, ephemeralSecrets(), {
      SMTP_SECURE: "true",
      SMTP_USERNAME: "someone",
      SMTP_PASSWORD: "elsewhere",
    });
    expect(env).toMatchObject({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(ports.smtp), SMTP_SECURE: "false" });
    expect(env.SMTP_USERNAME).toBeUndefined();
    expect(env.SMTP_PASSWORD).toBeUndefined();
    transport = nodemailer.createTransport({ host: infra.smtpHost, port: infra.smtpPort, secure: false });
  });

  it("catches what is sent over SMTP, and the mailbox reads it back whole", async () => {
    const unsubscribe = `http://127.0.0.1:4321/api/mail/unsubscribe?token=${"u".repeat(43)}`;
    await transport.sendMail({
      from: "Inkstone <no-reply@inkstone.local>",
      // Written in another case than the one the test asks with: addresses match whatever their case.
      to: `Ann <${ann.toUpperCase()}>`,
      subject: "确认你的邮箱 · Confirm your address",
      text: `Hello,\n\nconfirm here: http://127.0.0.1:4321/en/verify-email?token=${"t".repeat(43)}.\n\nSettings: http://127.0.0.1:4321/en/settings#mail\n`,
      html: "<p>Hello</p>",
      headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    const box = mailbox(infra.mailWebUrl);
    const mail = await box.waitFor(ann, { subject: /Confirm/ });
    expect(mail).toMatchObject({
      to: [ann],
      from: "no-reply@inkstone.local",
      subject: "确认你的邮箱 · Confirm your address",
      html: "<p>Hello</p>",
    });
    expect(mail.text).toContain("confirm here:");
    expect(Date.now() - Date.parse(mail.date)).toBeLessThan(60_000);
    // Headers MailDev's own listing leaves out, as sent.
    expect(mail.headers).toMatchObject({
      "list-unsubscribe": `<${unsubscribe}>`,
      "list-unsubscribe-post": "List-Unsubscribe=One-Click",
      subject: "确认你的邮箱 · Confirm your address",
      from: "Inkstone <no-reply@inkstone.local>",
    });

    const link = linkIn(mail, /\/verify-email$/);
    expect(link.searchParams.get("token")).toBe("t".repeat(43));
    expect(link.href).not.toMatch(/\.$/);
    expect(linkIn(mail, /^\/en\/settings$/).hash).toBe("#mail");
    expect(() => linkIn(mail, /\/reset-password$/)).toThrow(/confirm here: http/);
  });

  it("waits for the next mail, by subject and past the ones seen; all() lists them oldest first", async () => {
    const box = mailbox(infra.mailWebUrl);
    const first = await box.waitFor(ann);
    const next = box.waitFor(ann, { except: [first.id] });
    await transport.sendMail({
      from: "no-reply@inkstone.local",
      to: ann,
      subject: "Your password was changed",
      text: "…",
    });
    const second = await next;
    expect(second.subject).toBe("Your password was changed");
    expect((await box.all(ann)).map((mail) => mail.id)).toEqual([first.id, second.id]);
    expect(await box.all(ann.toUpperCase())).toHaveLength(2);
    expect(await box.all(bob)).toEqual([]);

    await expect(box.waitFor(ann, { subject: /reset/i, timeoutMs: 600 })).rejects.toThrow(
      /No mail to .* with a subject matching \/reset\/i within 600 ms\. Mail to that address: "确认你的邮箱 · Confirm your address", "Your password was changed"/,
    );
  });

  it("none() passes when nothing (matching) comes, and fails on a mail already there or arriving", async () => {
    const box = mailbox(infra.mailWebUrl);
    const started = Date.now();
    await box.none(bob, { ms: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    await box.none(ann, { subject: /reset/i, ms: 300 });
    await expect(box.none(ann, { ms: 300 })).rejects.toThrow(/Expected no mail to .*, but it got "确认你的邮箱/);

    // A mail that only mentions the address is not mail to it.
    await transport.sendMail({ from: "no-reply@inkstone.local", to: ann, subject: "Address", text: `Now ${bob}.` });
    await box.waitFor(ann, { subject: /^Address$/ });
    await box.none(bob, { ms: 300 });

    const watching = box.none(bob, { ms: 5000 });
    await transport.sendMail({ from: "no-reply@inkstone.local", to: bob, subject: "Someone replied", text: "…" });
    await expect(watching).rejects.toThrow(/Expected no mail to .*, but it got "Someone replied"/);
  });

  it("stops with the rest, freeing both ports", async () => {
    const { smtpPort, mailWebUrl } = infra;
    await infra.stop();
    expect(await tcpAnswers("127.0.0.1", smtpPort)).toBe(false);
    expect(await tcpAnswers("127.0.0.1", Number(new URL(String(mailWebUrl)).port))).toBe(false);
  });
});

describe("SMTP_HOST in the environment", () => {
  it("is used instead of a catcher: none is started, and the apps get it", async () => {
    const { smtpPort } = testInfra();
    const infra = await startInfra({
      dataDir: join(dir, "given"),
      logDir: join(dir, "logs"),
      ports: await infraPorts(),
      meiliMasterKey: testInfra().meiliMasterKey,
      env: { ...givenServers(), SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtpPort) },
    });
    try {
      expect(infra.services.filter((s) => s.process)).toEqual([]);
      expect(infra.services.find((s) => s.name === "mail")?.url).toBe(`smtp://127.0.0.1:${smtpPort}`);
      expect(infra.mailWebUrl).toBeUndefined();
      expect([infra.smtpHost, infra.smtpPort]).toEqual(["127.0.0.1", smtpPort]);
      const env = stackEnv(infra, ephemeralSecrets(), { SMTP_HOST: "127.0.0.1", SMTP_USERNAME: "inkstone" });
      expect(env).toMatchObject({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtpPort), SMTP_USERNAME: "inkstone" });
    } finally {
      await infra.stop();
    }
  });

  it("that does not answer stops the start with a message saying so", async () => {
    const closed = await freePort();
    const start = startInfra({
      dataDir: join(dir, "unanswered"),
      logDir: join(dir, "logs"),
      ports: await infraPorts(),
      meiliMasterKey: testInfra().meiliMasterKey,
      env: { ...givenServers(), SMTP_HOST: "127.0.0.1", SMTP_PORT: String(closed) },
    });
    await expect(start).rejects.toThrow(MissingPrerequisite);
    await expect(start).rejects.toThrow(`SMTP_HOST=127.0.0.1 does not accept connections on port ${closed}`);
  });
});

describe("the test run's catcher", () => {
  it("answers, and is the mailbox's default", async () => {
    expect(await httpAnswers(`${testInfra().mailWebUrl}/api/healthz`)).toBe(true);
    const someone = `nobody-${isolationId()}@example.test`;
    await mailbox().none(someone, { ms: 100 });
    expect(await mailbox().all(someone)).toEqual([]);
  });
});

describe("parseHeaders", () => {
  it("unfolds lines, lower-cases names, decodes encoded words and joins repeated headers", () => {
    const source = [
      "From: =?UTF-8?B?5aKo55+z?= <no-reply@inkstone.local>",
      "Subject: =?UTF-8?Q?Caf=C3=A9_au?=",
      " =?UTF-8?Q?_lait?= today",
      "X-Note: one",
      "x-note: two",
      "",
      "X-Not-A-Header: body",
    ].join("\r\n");
    expect(parseHeaders(source)).toEqual({
      from: "墨石 <no-reply@inkstone.local>",
      subject: "Café au lait today",
      "x-note": "one, two",
    });
  });
});
