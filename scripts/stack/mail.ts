import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { MissingPrerequisite } from "./prerequisite.ts";
import { ManagedProcess } from "./process.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

export type MailCatcherOptions = {
  /** Where the caught mail is kept (so it outlives a restart, and no two catchers share a folder). */
  dataDir: string;
  smtpPort: number;
  webPort: number;
  logDir: string;
  /** The oldest mail beyond this many is discarded. */
  maxMails?: number;
};

/** MailDev's command-line entry point, from the npm package `maildev`. */
export function findMailDevBin(): string {
  // The package exports only its module, not its package.json (nor the bin): look in the folders require would.
  const packageDir = (createRequire(import.meta.url).resolve.paths("maildev") ?? [])
    .map((modules) => join(modules, "maildev"))
    .find((dir) => existsSync(join(dir, "package.json")));
  if (!packageDir)
    throw new MissingPrerequisite(
      "MailDev was not found: run `npm install` (it brings the npm package maildev), " +
        "or set SMTP_HOST (and SMTP_PORT) to a mail server you run yourself.",
    );
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.maildev;
  const path = bin === undefined ? undefined : join(packageDir, bin);
  if (!path || !existsSync(path)) throw new MissingPrerequisite(`MailDev's program is missing in ${packageDir}.`);
  return path;
}

/**
 * Starts MailDev, which catches every mail sent to it over SMTP and shows it on a web page and a REST API (nothing is
 * delivered), and resolves once that API answers.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<ManagedProcess> {
  const mailDir = join(options.dataDir, "mail");
  mkdirSync(mailDir, { recursive: true });
  // MailDev also reads MAILDEV_* variables: the developer's shell must not move it or turn on relaying.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("MAILDEV_")));
  const catcher = new ManagedProcess({
    name: "mail",
    command: process.execPath,
    args: [
      findMailDevBin(),
      "--smtp",
      String(options.smtpPort),
      "--web",
      String(options.webPort),
      "--ip",
      "127.0.0.1",
      "--web-ip",
      "127.0.0.1",
      // Without a folder of its own, every MailDev on the machine writes to the same one in /tmp.
      "--mail-directory",
      mailDir,
      "--max-emails",
      String(options.maxMails ?? 1000),
    ],
    cwd: mailDir,
    env,
    logFile: join(options.logDir, "mail.log"),
  });
  try {
    await waitUntil(() => httpAnswers(`http://127.0.0.1:${options.webPort}/api/healthz`), {
      what: `mail catcher (log: ${catcher.spec.logFile})`,
      alive: () => catcher.running,
      timeoutMs: 60_000,
    });
  } catch (error) {
    // Nobody holds it yet to stop it later.
    await catcher.stop();
    throw error;
  }
  return catcher;
}
