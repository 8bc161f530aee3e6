// Public face of the config module: cairn's home folder and the debug log.
export { cairnHome } from "./cairn-home.ts";
export { disabledDebugLog, openDebugLog, redact } from "./debug-log.ts";
export type { DebugLog } from "./debug-log.ts";
export { findOnPath, isExecutableFile } from "./executables.ts";
