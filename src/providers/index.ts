// Public face of the providers module. Adapters themselves load lazily through createProvider.
export type { ModelRequest, Provider, ProviderId, ToolSpec } from "./types.ts";
export { ProviderError } from "./provider-error.ts";
export type { ProviderErrorKind } from "./provider-error.ts";
export { defaultRetryPolicy, withRetries } from "./retry.ts";
export type { RetryPolicy } from "./retry.ts";
export { costUsd, lookupModel } from "./catalog.ts";
export { catalogData } from "./catalog-data.ts";
export type { CatalogEntry } from "./catalog-data.ts";
export type { ModelInfo } from "./catalog.ts";
export { createProvider, noProviderHint, resolveModel } from "./resolve.ts";
export type { CustomProvider, Endpoint, Env, ModelOverride, ResolvedModel } from "./resolve.ts";
