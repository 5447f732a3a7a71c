// `node scripts/local-model/main.ts --model <file.gguf> [--port 8089]`: serves one GGUF model over OpenAI's chat
// completions API on 127.0.0.1. `npm start` runs it when LOCAL_MODEL is set (scripts/stack/local-model.ts), and so
// do the tests; it also runs alone, for any OpenAI client.
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadEngine } from "./engine.ts";
import { modelNameOf } from "./model-file.ts";
import { startLocalModelServer } from "./server.ts";

const optionsSchema = z.object({
  model: z.string().min(1, { error: "--model <path to a .gguf file> is required" }),
  port: z.coerce.number().int().min(0).max(65535).default(8089),
  host: z.string().default("127.0.0.1"),
  "context-size": z.coerce.number().int().min(512).default(8192),
  threads: z.coerce.number().int().min(1).default(1),
  "max-tokens": z.coerce.number().int().min(1).default(1024),
  "max-queue": z.coerce.number().int().min(0).default(8),
});

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    "context-size": { type: "string" },
    threads: { type: "string" },
    "max-tokens": { type: "string" },
    "max-queue": { type: "string" },
  },
});
const parsed = optionsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`local model server: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  process.exit(2);
}
const options = parsed.data;
const say = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

const started = Date.now();
const engine = await loadEngine({
  modelPath: options.model,
  contextSize: options["context-size"],
  threads: options.threads,
});
const server = await startLocalModelServer({
  engine,
  modelId: modelNameOf(options.model),
  host: options.host,
  port: options.port,
  maxTokens: options["max-tokens"],
  maxQueue: options["max-queue"],
  log: say,
});
say(
  `serving ${modelNameOf(options.model)} at ${server.url} (context ${engine.contextSize} tokens, ` +
    `${options.threads} thread(s), loaded in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await server.close();
      await engine.close();
      process.exit(0);
    })();
  });
