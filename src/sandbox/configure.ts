// Chooses a session's executor from what the user asked for (--sandbox/--no-sandbox,
// CAIRN_SANDBOX, settings) and what this machine has (bubblewrap, sandbox-exec). Not the
// sandbox itself: see executor.ts.

import { isExecutableFile } from "../config/index.ts";
import { CairnError } from "../core/errors.ts";
import { bubblewrapInstallHint, detectBubblewrap } from "./bwrap.ts";
import { networkAccess, type NetworkSettings } from "./domain-allowlist.ts";
import { createExecutor, type Executor } from "./executor.ts";
import type { SandboxNetwork } from "./policy.ts";
import { hostPathsToHide } from "./probe.ts";
import { sandboxExecPath } from "./seatbelt.ts";

/** "on": asked for explicitly, so running without it needs the user's yes. */
export type SandboxWish = "on" | "off" | "default";

/**
 * The user's wish: the command-line flag wins over CAIRN_SANDBOX (0/1, false/true, off/on),
 * which wins over the `sandbox.enabled` setting.
 */
export function sandboxWish(
  flags: { sandbox: boolean; noSandbox: boolean },
  env: NodeJS.ProcessEnv,
  settingEnabled?: boolean,
): SandboxWish {
  if (flags.sandbox && flags.noSandbox) {
    throw new CairnError(
      "bad_flag",
      "--sandbox and --no-sandbox contradict each other",
      "Pass one of them.",
    );
  }
  if (flags.sandbox) return "on";
  if (flags.noSandbox) return "off";
  const raw = env.CAIRN_SANDBOX?.trim().toLowerCase();
  if (raw !== undefined && raw !== "") {
    if (["1", "true", "on", "yes"].includes(raw)) return "on";
    if (["0", "false", "off", "no"].includes(raw)) return "off";
    throw new CairnError(
      "bad_flag",
      `CAIRN_SANDBOX=${env.CAIRN_SANDBOX}: expected 1 or 0`,
      "Set CAIRN_SANDBOX=1 to require the sandbox, CAIRN_SANDBOX=0 to turn it off, or unset it.",
    );
  }
  if (settingEnabled !== undefined) return settingEnabled ? "on" : "off";
  return "default";
}

export interface SandboxSetup {
  executor: Executor;
  /** One line for stderr when the sandbox is off by necessity rather than by choice. */
  warning?: string;
}

export interface ConfigureOptions {
  wish: SandboxWish;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /**
   * The `sandbox.network` settings: no allowed domain, no network; `*` alone, all of it; else
   * only the allowed hosts, through cairn's proxy (see domain-allowlist.ts). A bare "none" or
   * "all" says so directly.
   */
  network: SandboxNetwork | NetworkSettings;
}

/**
 * On by default where it can be (Linux with a working bubblewrap, macOS); elsewhere off with a
 * warning, unless it was asked for, in which case commands are refused until the user agrees to
 * run them without it. Throws a CairnError for a `sandbox.network` entry that names no host.
 * Starts nothing: the proxy, when there is one, starts with the first command.
 */
export async function configureSandbox(options: ConfigureOptions): Promise<SandboxSetup> {
  const { wish, platform, env } = options;
  const access =
    typeof options.network === "string"
      ? { type: options.network }
      : networkAccess(options.network);
  if (wish === "off") return { executor: createExecutor({ mode: "none" }) };
  const network: SandboxNetwork = access.type === "all" ? "all" : "none";
  const sandbox = {
    network,
    ...(access.type === "filtered" ? { allowlist: access.allowlist } : {}),
    home: env.HOME,
    hide: hostPathsToHide(env, network),
  };

  let problem: { warning: string; reason: string };
  if (platform === "linux") {
    const bwrap = await detectBubblewrap(env);
    if (bwrap.type === "ready") {
      return { executor: createExecutor({ mode: "bwrap", bwrapPath: bwrap.path, ...sandbox }) };
    }
    problem =
      bwrap.type === "missing"
        ? {
            warning: `bubblewrap not found: commands run without a sandbox; ${bubblewrapInstallHint}`,
            reason:
              "The command was not run: the sandbox is required (--sandbox or CAIRN_SANDBOX=1) " +
              `but bubblewrap is not installed. The user can ${bubblewrapInstallHint}, or run ` +
              "cairn with --no-sandbox.",
          }
        : {
            warning: `bubblewrap (${bwrap.path}) cannot create a sandbox here (${bwrap.message}): commands run without one`,
            reason:
              "The command was not run: the sandbox is required (--sandbox or CAIRN_SANDBOX=1) " +
              `but bubblewrap (${bwrap.path}) cannot create one here: ${bwrap.message}. The user ` +
              "can allow unprivileged user namespaces or run cairn with --no-sandbox.",
          };
  } else if (platform === "darwin") {
    if (isExecutableFile(sandboxExecPath)) {
      return { executor: createExecutor({ mode: "seatbelt", ...sandbox }) };
    }
    problem = {
      warning: `${sandboxExecPath} not found: commands run without a sandbox`,
      reason: `The command was not run: the sandbox is required but ${sandboxExecPath} is missing. The user can run cairn with --no-sandbox.`,
    };
  } else {
    problem = {
      warning: `no sandbox is available on ${platform}: commands run without one`,
      reason: `The command was not run: the sandbox is required but cairn has none for ${platform}. The user can run cairn with --no-sandbox.`,
    };
  }
  if (wish === "on") {
    return { executor: createExecutor({ mode: "unavailable", reason: problem.reason }) };
  }
  return { executor: createExecutor({ mode: "none" }), warning: problem.warning };
}
