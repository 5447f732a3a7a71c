// `node scripts/temporal-cli.ts`: finds the Temporal CLI `npm start` would use, installing the pinned version
// (TEMPORAL_CLI_VERSION in stack/temporal.ts) into .tools/temporal when there is none, and prints its path.
// CI runs it before the tests so the install's time is not spent inside them.
import { join, resolve } from "node:path";
import { ROOT } from "./stack/paths.ts";
import { MissingPrerequisite } from "./stack/prerequisite.ts";
import { findTemporalCli } from "./stack/temporal.ts";

const logDir = join(resolve(ROOT, process.env.DATA_DIR ?? ".data"), "logs");
try {
  console.log(await findTemporalCli(logDir));
} catch (error) {
  if (!(error instanceof MissingPrerequisite)) throw error;
  console.error(error.message);
  process.exit(1);
}
