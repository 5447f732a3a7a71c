import { join } from "node:path";
import { APPS, appProcess, type StackEnv } from "../../scripts/stack/apps.ts";
import { ManagedProcess } from "../../scripts/stack/process.ts";
import { freePort, httpAnswers, waitUntil } from "../../scripts/stack/wait.ts";

/** The servers the bench compares the community with; each is added to `started` so the caller can stop it. */

/** A second community on its own port, rendering every request through the CMS. */
export async function startUncached(env: StackEnv, logDir: string, started: ManagedProcess[]): Promise<string> {
  const community = APPS.find((app) => app.name === "community");
  if (!community) throw new Error("no community app");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spec = appProcess(
    community,
    { ...env, NODE_ENV: "development", COMMUNITY_PORT: String(port), COMMUNITY_URL: url },
    logDir,
  );
  const proc = new ManagedProcess({
    ...spec,
    name: "community-uncached",
    logFile: join(logDir, "community-uncached.log"),
    env: { ...spec.env, INKSTONE_CACHE_BYPASS: "1" },
  });
  started.push(proc);
  await waitUntil(() => httpAnswers(`${url}/health`, [200, 503]), {
    what: "uncached community",
    alive: () => proc.running,
  });
  return url;
}

/** The article page's HTML as a static file (static-server.ts), the way @astrojs/node serves assets. */
export async function startStatic(root: string, logDir: string, started: ManagedProcess[]): Promise<string> {
  const port = await freePort();
  const proc = new ManagedProcess({
    name: "static",
    command: process.execPath,
    args: [join(import.meta.dirname, "static-server.ts"), root, String(port)],
    logFile: join(logDir, "static.log"),
  });
  started.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => httpAnswers(`${url}/health`, [404]), { what: "static server", alive: () => proc.running });
  return url;
}
