// Public face of the sandbox module: confines what a Bash command can write and reach (bubblewrap
// on Linux, Seatbelt on macOS, cairn's filtering proxy for the allowed hosts). Permissions decide
// intent; this limits damage. Both must hold.
export { configureSandbox, sandboxWish } from "./configure.ts";
export type { ConfigureOptions, SandboxSetup, SandboxWish } from "./configure.ts";
export { createExecutor } from "./executor.ts";
export type {
  ExecRequest,
  Executor,
  ExecutorOptions,
  Prepared,
  SandboxOptions,
} from "./executor.ts";
export { bubblewrapInstallHint, bwrapArgs, detectBubblewrap } from "./bwrap.ts";
export type { BubblewrapProbe } from "./bwrap.ts";
export { seatbeltArgs, seatbeltProfile } from "./seatbelt.ts";
export { sandboxDenialNote, sandboxNotePrefix } from "./denial.ts";
export { judgeHost, networkAccess } from "./domain-allowlist.ts";
export type {
  DomainAllowlist,
  HostVerdict,
  NetworkAccess,
  NetworkSettings,
} from "./domain-allowlist.ts";
export { hostPathsToHide, probeSandboxPolicy } from "./probe.ts";
export { isWritable } from "./policy.ts";
export type {
  HiddenPath,
  ProtectedPath,
  ProtectedState,
  ProxyEndpoint,
  SandboxNetwork,
  SandboxPolicy,
} from "./policy.ts";
