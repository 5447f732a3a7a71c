export * from "./constants.ts";
export * from "./contracts/index.ts";
export { ConfigError, type EnvSource, parseEnv } from "./parse-env.ts";
export * from "./ports.ts";
export * from "./services.ts";
export { type VariableName, type Variables, variableDefaults, variables } from "./variables.ts";
