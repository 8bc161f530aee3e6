// Turns "run this argv in this folder" into the program and arguments to spawn: plain, inside
// bubblewrap, or under Seatbelt. One executor per session: it counts the placeholders its running
// commands share, and owns the session's network proxy when settings allow some hosts (started
// by the first command, closed by dispose). It does not spawn or kill anything: the Bash tool
// does, in a process group.

import { mkdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { bwrapArgs } from "./bwrap.ts";
import { sandboxDenialNote } from "./denial.ts";
import type { DomainAllowlist } from "./domain-allowlist.ts";
import { forwarderPort, proxyEnv, withForwarder } from "./forwarder.ts";
import type { NetworkProxy, ProxyListen } from "./network-proxy.ts";
import { createPlaceholderRegistry, type Placeholder } from "./placeholders.ts";
import type { ProxyEndpoint, SandboxNetwork, SandboxPolicy } from "./policy.ts";
import { probeSandboxPolicy } from "./probe.ts";
import { sandboxExecPath, seatbeltArgs } from "./seatbelt.ts";

export type ExecutorOptions =
  | { mode: "none" }
  | ({ mode: "bwrap"; bwrapPath: string } & SandboxOptions)
  | ({ mode: "seatbelt" } & SandboxOptions)
  /**
   * The sandbox was asked for (`--sandbox`, CAIRN_SANDBOX=1) and cannot be had: commands are
   * refused with `reason` until the user agrees to run them without it (allowUnsandboxed).
   */
  | { mode: "unavailable"; reason: string };

export interface SandboxOptions {
  network: SandboxNetwork;
  /**
   * With network "none": the hosts commands may still reach, through cairn's proxy. Absent, or
   * allowing nothing: no way out, and no proxy.
   */
  allowlist?: DomainAllowlist;
  /** The node binary the forwarder inside bubblewrap runs with; default: the one running cairn. */
  nodePath?: string;
  /** The user's home (its start-up files are protected when the workspace contains it). */
  home: string | undefined;
  /** Host sockets to hide when present; see hostPathsToHide. */
  hide: readonly string[];
}

export interface ExecRequest {
  /** The program and its arguments, e.g. ["/bin/bash", "-c", script]. */
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The workspace root and added folders: writable, with their protected paths. */
  roots: readonly string[];
  /** cairn's private temp folder for this session. */
  tempDir: string;
}

export type Prepared =
  | {
      type: "ready";
      program: string;
      args: string[];
      env: NodeJS.ProcessEnv;
      sandboxed: boolean;
      /**
       * True when every process the command starts ends with `program` (bubblewrap's pid
       * namespace dies with it): there are no leftovers to look for once it has exited.
       */
      contained: boolean;
      /** Call once the process has exited; never rejects. */
      release: () => Promise<void>;
      /** A note for the model when a failure looks like the sandbox's doing. */
      explain: (output: string, exitCode: number | null) => string | undefined;
    }
  /** The command must not run; `message` says why and what the user can do. */
  | { type: "refused"; message: string };

export interface Executor {
  readonly mode: ExecutorOptions["mode"];
  /**
   * True when Bash commands would be refused because the sandbox is required but unavailable:
   * the permission layer asks the user, and calls allowUnsandboxed on a yes.
   */
  needsUnsandboxedApproval(): boolean;
  /** Why the sandbox is unavailable (mode "unavailable"), for the question to the user. */
  readonly unavailableReason: string | undefined;
  /** From now on, in mode "unavailable", commands run without a sandbox. */
  allowUnsandboxed(): void;
  prepare(request: ExecRequest): Promise<Prepared>;
  /** Closes the network proxy, if one was started; commands needing it are refused afterwards. */
  dispose(): Promise<void>;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const placeholders = createPlaceholderRegistry();
  let unsandboxedAllowed = false;
  let proxy: Promise<NetworkProxy> | undefined;
  let disposed = false;

  const plain = (request: ExecRequest): Prepared => ({
    type: "ready",
    program: request.argv[0] ?? "",
    args: request.argv.slice(1),
    env: request.env,
    sandboxed: false,
    contained: false,
    release: () => Promise.resolve(),
    explain: () => undefined,
  });

  const policyFor = async (
    request: ExecRequest,
    sandbox: SandboxOptions,
  ): Promise<{ policy: SandboxPolicy; tempDir: string }> => {
    const tempDir = await realpath(request.tempDir);
    const privateTmp = join(tempDir, "sandbox-tmp");
    await mkdir(privateTmp, { recursive: true });
    const policy = await probeSandboxPolicy({
      roots: request.roots,
      tempDir,
      privateTmp,
      network: sandbox.network,
      home: sandbox.home,
      hide: sandbox.hide,
      isPlaceholder: placeholders.isPlaceholder,
    });
    return { policy, tempDir };
  };

  /**
   * The session's proxy, started on first use; undefined when commands get no proxy. A proxy
   * that failed to start is tried again by the next command.
   */
  const proxyFor = async (
    sandbox: SandboxOptions,
    listen: ProxyListen,
  ): Promise<NetworkProxy | undefined> => {
    const { allowlist } = sandbox;
    if (sandbox.network !== "none" || allowlist === undefined || allowlist.allow.length === 0) {
      return undefined;
    }
    if (disposed) throw new Error("the session has ended");
    if (proxy === undefined) {
      // Loaded only when an allowlist is in force: importing node:http from an ES module makes
      // Node load its fetch implementation too (~25 ms), which every other run would pay for.
      const starting = import("./network-proxy.ts").then((m) =>
        m.startNetworkProxy({ allowlist, listen }),
      );
      proxy = starting;
      starting.catch(() => {
        if (proxy === starting) proxy = undefined;
      });
    }
    return proxy;
  };

  const proxyRefusal = (error: unknown): Prepared => ({
    type: "refused",
    message:
      "The command was not run: cairn's network proxy (for sandbox.network.allowedDomains) " +
      `could not start: ${(error as Error).message}. The user can remove ` +
      "sandbox.network.allowedDomains from their settings, or run cairn with --no-sandbox.",
  });

  const readyWith = (
    policy: SandboxPolicy,
    launch: { program: string; args: string[]; env: NodeJS.ProcessEnv; contained: boolean },
    release: () => Promise<void>,
    network: NetworkProxy | undefined,
  ): Prepared => {
    const mark = network?.refusals() ?? 0;
    return {
      type: "ready",
      ...launch,
      sandboxed: true,
      release,
      explain: (output, exitCode) =>
        sandboxDenialNote(policy, output, exitCode, network?.refusedSince(mark) ?? []),
    };
  };

  return {
    mode: options.mode,
    unavailableReason: options.mode === "unavailable" ? options.reason : undefined,
    needsUnsandboxedApproval: () => options.mode === "unavailable" && !unsandboxedAllowed,
    allowUnsandboxed() {
      unsandboxedAllowed = true;
    },

    async prepare(request) {
      switch (options.mode) {
        case "none":
          return plain(request);
        case "unavailable":
          return unsandboxedAllowed ? plain(request) : { type: "refused", message: options.reason };
        case "bwrap": {
          const { policy: probed, tempDir } = await policyFor(request, options);
          const link = probed.protectedPaths.find((entry) => entry.state.type === "symlink");
          if (link) {
            return {
              type: "refused",
              message:
                `The command was not run: ${link.path} is a symbolic link, and the sandbox can ` +
                "keep a protected path read-only only when it is a real file or folder (a link " +
                "could be replaced). Ask the user to replace the link with what it points to, or " +
                "to run cairn with --no-sandbox.",
            };
          }
          let network: NetworkProxy | undefined;
          try {
            network = await proxyFor(options, {
              type: "unix",
              path: join(tempDir, "network", "proxy.sock"),
            });
          } catch (error) {
            return proxyRefusal(error);
          }
          const endpoint: ProxyEndpoint | undefined =
            network?.address.type === "unix"
              ? {
                  type: "unix",
                  socketPath: network.address.path,
                  port: forwarderPort,
                  nodePath: options.nodePath ?? process.execPath,
                }
              : undefined;
          const policy: SandboxPolicy = endpoint ? { ...probed, proxy: endpoint } : probed;
          const missing: Placeholder[] = policy.protectedPaths.flatMap((entry) =>
            entry.state.type === "missing"
              ? [{ path: entry.path, type: entry.state.placeholder }]
              : [],
          );
          let release: () => Promise<void>;
          try {
            release = await placeholders.acquire(missing);
          } catch (error) {
            return {
              type: "refused",
              message: `The command was not run: the sandbox could not be set up: ${(error as Error).message}`,
            };
          }
          const argv =
            endpoint?.type === "unix"
              ? withForwarder(request.argv, {
                  nodePath: options.nodePath ?? process.execPath,
                  socketPath: endpoint.socketPath,
                  port: endpoint.port,
                })
              : request.argv;
          const args = bwrapArgs(policy, argv, request.cwd);
          const env = {
            ...request.env,
            TMPDIR: "/tmp",
            ...(endpoint ? proxyEnv(endpoint.port) : {}),
          };
          return readyWith(
            policy,
            { program: options.bwrapPath, args, env, contained: true },
            release,
            network,
          );
        }
        case "seatbelt": {
          const { policy: probed } = await policyFor(request, options);
          let network: NetworkProxy | undefined;
          try {
            network = await proxyFor(options, { type: "tcp" });
          } catch (error) {
            return proxyRefusal(error);
          }
          const endpoint: ProxyEndpoint | undefined =
            network?.address.type === "tcp"
              ? { type: "tcp", port: network.address.port }
              : undefined;
          const policy: SandboxPolicy = endpoint ? { ...probed, proxy: endpoint } : probed;
          let args: string[];
          try {
            args = seatbeltArgs(policy, request.argv);
          } catch (error) {
            return {
              type: "refused",
              message: `The command was not run: the sandbox could not be set up: ${(error as Error).message}`,
            };
          }
          const env = {
            ...request.env,
            TMPDIR: policy.privateTmp,
            ...(endpoint ? proxyEnv(endpoint.port) : {}),
          };
          return readyWith(
            policy,
            { program: sandboxExecPath, args, env, contained: false },
            () => Promise.resolve(),
            network,
          );
        }
        default: {
          const unreachable: never = options;
          throw new Error(`unknown executor mode ${JSON.stringify(unreachable)}`);
        }
      }
    },

    async dispose() {
      disposed = true;
      const running = proxy;
      proxy = undefined;
      // A proxy that never started has nothing to close (its failure was the command's answer).
      const started = await running?.catch(() => undefined);
      await started?.close();
    },
  };
}
