// `npm run build`: builds every app whose build is missing or older than its sources (what `npm start` does first).
import { join } from "node:path";
import { APPS } from "./stack/apps.ts";
import { ROOT } from "./stack/paths.ts";
import { buildStale } from "./stack/stack.ts";

const force = process.argv.includes("--force");
const logDir = join(ROOT, ".data", "logs");
await buildStale(force ? APPS.map((app) => ({ ...app, output: "" })) : APPS, logDir, (app, state, ms) => {
  if (state === "fresh") console.log(`  ${app.name}: up to date`);
  if (state === "building") console.log(`  ${app.name}: building… (log: .data/logs/${app.name}-build.log)`);
  if (state === "built") console.log(`  ${app.name}: built in ${((ms ?? 0) / 1000).toFixed(1)} s`);
});
