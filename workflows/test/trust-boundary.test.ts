import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findTemporalCli } from "../../scripts/stack/temporal.ts";
import { freePort } from "../../scripts/stack/wait.ts";
import { testInfra } from "../../scripts/test/services.ts";
import { CREATOR_BLOCKED, type GenerationClient, type GenerationInputDraft, type RunView } from "../src/client.ts";
import { startCms } from "./support/cms.ts";
import { articlePage, prose, startFixtureWeb } from "./support/fixture-web.ts";
import { startLlmStub } from "./support/llm-stub.ts";
import { generationClient, startWorker, type TestWorker } from "./support/worker.ts";

const run = promisify(execFile);

// Real Temporal, the real built worker (2 slots) and CMS; the LLM, the web and the creator lookup are stand-ins.
describe("trust boundary", () => {
  let llm: Awaited<ReturnType<typeof startLlmStub>>;
  let cms: Awaited<ReturnType<typeof startCms>>;
  let web: Awaited<ReturnType<typeof startFixtureWeb>>;
  let worker: TestWorker;
  let client: GenerationClient;
  let cli: string;
  const codecToken = `codec-${randomUUID()}`;
  let codecUrl: string;

  beforeAll(async () => {
    llm = await startLlmStub({ outlineMs: 100, sectionMs: 150, sections: 2 });
    cms = await startCms();
    web = await startFixtureWeb({ "/source": { body: articlePage("Harbours", prose("Harbour lights")) } });
    const codecPort = await freePort();
    codecUrl = `http://127.0.0.1:${codecPort}`;
    worker = await startWorker({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "test-key",
      FETCH_ALLOW_PRIVATE: "true",
      CMS_URL: cms.url,
      CMS_WORKER_TOKEN: cms.token,
      GENERATION_CONCURRENCY: "2",
      TEMPORAL_CODEC_TOKEN: codecToken,
      TEMPORAL_CODEC_PORT: String(codecPort),
    });
    client = await generationClient(worker);
    cli = await findTemporalCli(testInfra().logDir);
  });

  afterAll(async () => {
    await client?.close();
    await worker?.stop();
    await Promise.all([llm?.close(), cms?.close(), web?.close()]);
  });

  const input = (
    creatorId: string,
    topic: string,
    extra: Partial<GenerationInputDraft> = {},
  ): GenerationInputDraft => ({
    creatorId,
    topic,
    language: "en",
    urls: [`${web.url}/source`],
    webSearch: false,
    ...extra,
  });
  const reach = (runId: string, statuses: RunView["status"][], timeout = 60_000) =>
    vi.waitFor(
      async () => {
        const view = await client.getRun(runId);
        expect(statuses, `${runId} at ${view.stage}`).toContain(view.status);
        return view;
      },
      { timeout, interval: 200 },
    );
  /** The Temporal CLI's JSON for `args`, read straight from the server (no key, unless a codec endpoint is given). */
  const temporal = async (...args: string[]) =>
    (
      await run(cli, [...args, "--address", testInfra().temporalAddress, "--namespace", "default", "-o", "json"], {
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;

  it("stores a run's input, progress and result encrypted; the client with the key runs it end to end", async () => {
    const topic = `Lighthouse lullabies ${randomUUID().slice(0, 8)}`;
    const note = `private note ${randomUUID()}`;
    const runId = await client.start(input("keeper", topic, { references: `${note}. Lamps are trimmed at dusk.` }), {
      quota: 3,
    });
    const view = await reach(runId, ["done", "failed", "cancelled"]);
    expect(view.status, view.error).toBe("done");
    expect(view.topic).toBe(topic);
    expect(view.log.length).toBeGreaterThan(0);
    expect(cms.drafts.get(runId)?.writes).toBe(1);
    expect(cms.drafts.get(runId)?.draft.title).toBeTruthy();
    expect(
      (await client.listQueue({ maxAgeMs: 0 })).some((entry) => entry.kind === "run" && entry.runId === runId),
    ).toBe(false);

    // Without the key, the history and the description (memo included) hold no trace of what the run was about.
    // "done" is what the run reports; its completion event lands in the history a moment later.
    await expect
      .poll(() => temporal("workflow", "show", "--workflow-id", runId), { timeout: 15_000 })
      .toContain("WORKFLOW_EXECUTION_COMPLETED");
    const history = await temporal("workflow", "show", "--workflow-id", runId);
    const description = await temporal("workflow", "describe", "--workflow-id", runId);
    // (Plain JSON is left only in the search attributes: the stage and the creator id.)
    for (const output of [history, description]) {
      const readable = [output, ...decodedStrings(JSON.parse(output))].join("\n");
      for (const secret of [topic, note, "Harbour lights"])
        expect(readable.includes(secret), `${secret} readable without the key`).toBe(false);
    }
    const encodings = decodedStrings(JSON.parse(history)).filter((value) => value === "binary/encrypted");
    expect(encodings.length).toBeGreaterThan(5);

    // Through the worker's codec endpoint, as the Web UI does, the operator reads it.
    const decoded = await temporal(
      "workflow",
      "show",
      "--workflow-id",
      runId,
      "--codec-endpoint",
      codecUrl,
      "--codec-auth",
      `Bearer ${codecToken}`,
    );
    const readable = decodedStrings(JSON.parse(decoded)).join("\n");
    expect(readable).toContain(topic);
    expect(readable).toContain(note);
    expect(readable).not.toContain("binary/encrypted");
  });

  it("stops a blocked creator's run before research: failed with creator_blocked, nothing fetched, no draft", async () => {
    cms.block("blocked-writer");
    const topic = "Never researched";
    const runId = await client.start(input("blocked-writer", topic), { quota: 3 });
    const view = await reach(runId, ["done", "failed", "cancelled"]);
    expect(view).toMatchObject({ status: "failed", errorCode: CREATOR_BLOCKED, attempts: 1 });
    expect(view.error).toMatch(/account is blocked, so this run saves no draft/);
    expect(llm.calls.filter((call) => call.topic === topic)).toHaveLength(0);
    expect(cms.drafts.has(runId)).toBe(false);
    expect(cms.calls.filter((call) => call.path.includes(runId))).toEqual([]);
    expect(cms.calls.some((call) => call.method === "GET" && call.path.endsWith("/creators/blocked-writer"))).toBe(
      true,
    );
  });

  it("treats the CMS's 403 creator_blocked on save the same way, without retrying", async () => {
    cms.refuseDraftsOf("blocked-in-between");
    const runId = await client.start(input("blocked-in-between", "Blocked while writing"), { quota: 3 });
    const view = await reach(runId, ["done", "failed", "cancelled"]);
    expect(view).toMatchObject({ status: "failed", errorCode: CREATOR_BLOCKED, attempts: 1 });
    expect(cms.drafts.has(runId)).toBe(false);
    const puts = cms.calls.filter((call) => call.method === "PUT" && call.path.includes(runId));
    expect(puts.map((call) => call.status)).toEqual([403]);
    expect(cms.calls.filter((call) => call.path.includes(`/runs/${runId}/failed`))).toEqual([]);
  });

  it("cancels every queued and active run of a creator, and only theirs", async () => {
    const hangOne = await client.start(input("to-block", "Blocked hang one [hang]"), { quota: 5 });
    const hangTwo = await client.start(input("to-block", "Blocked hang two [hang]"), { quota: 5 });
    await expect
      .poll(() => llm.calls.filter((c) => c.kind === "section" && c.topic.startsWith("Blocked hang")).length, {
        timeout: 30_000,
      })
      .toBe(2);
    const queued = await client.start(input("to-block", "Blocked and queued"), { quota: 5 });
    const bystander = await client.start(input("bystander", "Someone else's run"), { quota: 5 });
    const mine = [hangOne, hangTwo, queued];
    // cancelRunsOf lists runs through visibility, which trails a start by a moment.
    await expect
      .poll(async () =>
        (await client.listQueue({ maxAgeMs: 0 })).map((entry) => (entry.kind === "run" ? entry.runId : entry.answerId)),
      )
      .toEqual(expect.arrayContaining([...mine, bystander]));

    expect(await client.cancelRunsOf("to-block")).toBe(3);
    for (const runId of mine)
      expect((await reach(runId, ["cancelled", "done", "failed"], 15_000)).status).toBe("cancelled");
    expect((await reach(bystander, ["done", "failed", "cancelled"])).status).toBe("done");
    expect(llm.calls.filter((call) => call.topic === "Blocked and queued")).toHaveLength(0);
    for (const runId of mine) expect(cms.drafts.has(runId)).toBe(false);
    expect(await client.cancelRunsOf("to-block")).toBe(0);
  });
});

/** Every string in `value` that is base64 of readable text, decoded: payload metadata and data as the CLI prints them. */
function decodedStrings(value: unknown): string[] {
  if (typeof value === "string") {
    if (value.length < 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return [];
    return [Buffer.from(value, "base64").toString("utf8")];
  }
  if (Array.isArray(value)) return value.flatMap(decodedStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(decodedStrings);
  return [];
}
