export { defineConfig } from './define.js';
export { loadConfig, validateConfig, findConfigFile, type LoadedConfig } from './load.js';
export { resolveEnvironment, readSecrets, type ResolvedEnvironment, type SecretValues } from './resolve.js';
export * from './schema.js';
