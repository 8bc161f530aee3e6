// macOS: the Seatbelt (sandbox-exec) profile for a SandboxPolicy. Generated and unit-tested on any
// platform; only run on macOS. Not the policy itself (policy.ts, probe.ts).

import type { ProtectedPath, SandboxPolicy } from "./policy.ts";

/** Only the system's copy: a `sandbox-exec` planted earlier on PATH would run unconfined. */
export const sandboxExecPath = "/usr/bin/sandbox-exec";

/** Device files every shell writes to; anything else under /dev stays read-only. */
const writableDevices = ["/dev/null", "/dev/zero", "/dev/dtracehelper"];

/**
 * The profile allows everything by default and then denies, in one rule, every file write that is
 * not inside a writable root or that is inside a protected path. One rule, rather than a deny
 * followed by allows, so the outcome does not depend on which of two matching rules wins.
 * Protected paths are matched both as `literal` and `subpath`: `subpath` alone would still let
 * the command create the path itself (`mkdir .claude`). Paths are matched after the kernel has
 * resolved links, so a protected link is denied as itself (it cannot be replaced) and as its
 * target. Without network, every socket operation is denied, Unix sockets included (they reach
 * services outside the sandbox just as well), but for the port of cairn's proxy when there is one.
 */
export function seatbeltProfile(policy: SandboxPolicy): string {
  const writable = [
    ...policy.writableRoots.map((root) => `(subpath ${sbplString(root)})`),
    `(subpath ${sbplString(policy.privateTmp)})`,
    ...writableDevices.map((device) => `(literal ${sbplString(device)})`),
    `(regex #"^/dev/fd/[0-9]+$")`,
  ];
  const protectedFilters = policy.protectedPaths.flatMap(protectedFilter);
  const lines = [
    "(version 1)",
    ";; Written by cairn for one command: see src/sandbox/seatbelt.ts.",
    "(allow default)",
    "(deny file-write*",
    "  (require-not",
    "    (require-all",
    "      (require-any",
    ...writable.map((filter) => `        ${filter}`),
    "      )",
  ];
  if (protectedFilters.length > 0) {
    lines.push(
      "      (require-not",
      "        (require-any",
      ...protectedFilters.map((filter) => `          ${filter}`),
      "        )",
      "      )",
    );
  }
  lines.push("    )", "  )", ")");
  if (policy.network === "none") lines.push(...networkRule(policy.proxy));
  return `${lines.join("\n")}\n`;
}

/**
 * Without network: deny every socket operation. With cairn's proxy: the same, except connecting
 * to the proxy's port on the loopback, again as one rule rather than a deny and an allow whose
 * precedence would matter. Everything else stays denied, DNS included (the resolver is a Unix
 * socket): the proxy resolves names.
 */
function networkRule(proxy: SandboxPolicy["proxy"]): string[] {
  if (proxy === undefined) return ["(deny network*)"];
  if (proxy.type !== "tcp") {
    throw new Error("the Seatbelt profile reaches cairn's proxy over TCP, not a Unix socket");
  }
  if (!Number.isInteger(proxy.port) || proxy.port < 1 || proxy.port > 65535) {
    throw new Error(`the proxy port ${proxy.port} is not a TCP port`);
  }
  return ["(deny network*", `  (require-not (remote ip "localhost:${proxy.port}"))`, ")"];
}

/** `sandbox-exec` arguments that run `argv` under the profile. */
export function seatbeltArgs(policy: SandboxPolicy, argv: readonly string[]): string[] {
  return ["-p", seatbeltProfile(policy), "--", ...argv];
}

function protectedFilter(entry: ProtectedPath): string[] {
  const paths = entry.state.type === "symlink" ? [entry.path, entry.state.target] : [entry.path];
  return paths.flatMap((path) => [
    `(literal ${sbplString(path)})`,
    `(subpath ${sbplString(path)})`,
  ]);
}

/**
 * A path as an SBPL string literal: backslashes and double quotes escaped. Control characters
 * are refused rather than escaped: the escapes sandbox-exec's reader accepts for them are not
 * documented, and a profile that means something else than it says is worse than no command.
 */
export function sbplString(path: string): string {
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw new Error(
      `the path ${JSON.stringify(path)} contains a control character and cannot be written into a Seatbelt profile`,
    );
  }
  return `"${path.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
