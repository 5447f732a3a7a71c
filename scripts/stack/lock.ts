import { mkdir, rm } from "node:fs/promises";

/** Runs `task` while holding a lock folder at `path` (mkdir is atomic), waiting up to `timeoutMs` for it. */
export async function withLock<T>(path: string, task: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await task();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
