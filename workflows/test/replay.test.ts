import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { temporal } from "@temporalio/proto";
import { Worker } from "@temporalio/worker";
import { describe, expect, it } from "vitest";
import { EncryptionCodec } from "../src/temporal/encryption-codec.ts";

// Runs under way when a worker is upgraded replay their history with the new workflow code, and a query on a closed
// run replays its whole history: the new code must make the same commands from it. The fixtures are histories of
// generateArticle as the code before "runs tell the truth" (commit c3b838a) wrote them, on a real Temporal server
// with stand-in activities that report like the real one (started, progress, saved): done, failed, retried (while
// it waited to retry, and once done), active, queued, and both cancelled. Their payloads are encrypted with the key
// below, as every history is.

const KEYS = [{ id: "replay", key: Buffer.alloc(32, 7).toString("base64") }];
const FIXTURES = fileURLToPath(new URL("./fixtures/replay/", import.meta.url));
const workflowsPath = fileURLToPath(new URL("../src/workflows/index.ts", import.meta.url));
const failureConverterPath = fileURLToPath(new URL("../src/temporal/failure-converter.ts", import.meta.url));

const histories = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => [
    name.replace(/\.json$/, ""),
    temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(`${FIXTURES}${name}`, "utf8"))),
  ]) as [string, temporal.api.history.v1.History][];

describe("the generation workflow replays runs that earlier code began", () => {
  it("has histories of every kind to replay", () => {
    expect(histories.map(([name]) => name)).toEqual([
      "active-cancelled",
      "active",
      "done",
      "failed",
      "queued-cancelled",
      "queued",
      "retry-done",
      "retry-sleeping",
    ]);
  });

  it.each(histories)("%s, without a nondeterminism error", async (name, history) => {
    await Worker.runReplayHistory(
      {
        workflowsPath,
        dataConverter: { payloadCodecs: [new EncryptionCodec(KEYS)], failureConverterPath },
        replayName: `replay-${name}`,
      },
      history,
    );
  });
});
