import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root, wherever the clone lives. */
export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Git-ignored folder for tools installed on demand (Node 24, the Temporal CLI). */
export const TOOLS_DIR = join(ROOT, ".tools");
