// The Nu HTML Checker (npm vnu-jar) over saved HTML files. The JVM takes seconds to start, so every file is
// checked in one run.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const fromVnu = createRequire(createRequire(import.meta.url).resolve("vnu-jar/package.json"));
const VNU_JAR = fromVnu.resolve("./build/dist/vnu.jar");

/**
 * The `java` to run the checker with: the system's, else the runtime vnu-jar's own install step downloads when
 * the system has none. Never downloads anything itself.
 */
function findJava(): string | undefined {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return "java";
  } catch {
    const { findCachedJava } = fromVnu("./vnu-java-downloader.js") as { findCachedJava(): string | null };
    return findCachedJava() ?? undefined;
  }
}

const JAVA = findJava();

type Message = {
  type: "error" | "info" | "non-document-error";
  url?: string;
  message: string;
  extract?: string;
  lastLine?: number;
  firstColumn?: number;
};

/** True when there is a Java runtime to run the checker with. */
export const hasJava = (): boolean => JAVA !== undefined;

/** Checks `files` in one run; each file's errors (warnings aside) as `line:column message «extract»`. */
export async function htmlErrors(files: readonly string[]): Promise<Map<string, string[]>> {
  if (!JAVA) throw new Error("The Nu HTML Checker needs Java: install a JRE (Debian: default-jre-headless).");
  const { stderr } = await promisify(execFile)(
    JAVA,
    ["-jar", VNU_JAR, "--format", "json", "--exit-zero-always", ...files],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const { messages } = JSON.parse(stderr) as { messages: Message[] };
  // The checker names files as `file:/path`; both sides are compared as absolute paths.
  const byFile = new Map(files.map((file) => [resolve(file), [] as string[]]));
  for (const message of messages) {
    if (message.type !== "error" && message.type !== "non-document-error") continue;
    const file = message.url?.startsWith("file:") ? fileURLToPath(new URL(message.url)) : undefined;
    // A message that names no file we gave (the checker failed) counts against every file: nothing was checked.
    const targets = file && byFile.has(file) ? [file] : [...byFile.keys()];
    const where = message.lastLine === undefined ? "" : `${message.lastLine}:${message.firstColumn ?? 0} `;
    const extract = message.extract ? ` «${message.extract.replace(/\s+/g, " ").trim()}»` : "";
    for (const target of targets) byFile.get(target)?.push(`${where}${message.message}${extract}`);
  }
  return new Map(files.map((file) => [file, byFile.get(resolve(file)) ?? []]));
}

/**
 * Checks pages held in memory (name → HTML), as a test collects them while it browses; the errors of each page that
 * has any, by name (empty when every page is valid).
 */
export async function invalidPages(pages: Iterable<[string, string]>): Promise<Record<string, string[]>> {
  const dir = mkdtempSync(join(tmpdir(), "inkstone-pages-"));
  try {
    const files = [...pages].map(([name, html], i) => {
      const file = join(dir, `${i}.html`);
      writeFileSync(file, html);
      return [name, file] as const;
    });
    const errors = await htmlErrors(files.map(([, file]) => file));
    return Object.fromEntries(
      files.map(([name, file]) => [name, errors.get(file) ?? []] as const).filter(([, list]) => list.length > 0),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
