import { describe, expect, it } from "vitest";
import type { SandboxPolicy } from "./policy.ts";
import { sbplString, seatbeltArgs, seatbeltProfile } from "./seatbelt.ts";

const policy: SandboxPolicy = {
  workspaceRoots: ["/Users/ann/my repo"],
  writableRoots: ["/Users/ann/my repo", "/Users/ann/my repo/.git"],
  protectedPaths: [
    { path: "/Users/ann/my repo/.git/hooks", state: { type: "dir" } },
    { path: "/Users/ann/my repo/.git/config", state: { type: "file" } },
    { path: "/Users/ann/my repo/.claude", state: { type: "missing", placeholder: "dir" } },
    { path: "/Users/ann/my repo/.mcp.json", state: { type: "missing", placeholder: "dir" } },
    {
      path: "/Users/ann/my repo/.vscode",
      state: { type: "symlink", target: "/Users/ann/my repo/shared/vscode" },
    },
  ],
  hiddenPaths: [],
  privateTmp: "/private/var/folders/x/T/cairn-1/sandbox-tmp",
  sessionDir: "/private/var/folders/x/T/cairn-1",
  network: "none",
};

/** Whether the profile's parentheses balance and no string literal is left open. */
function balanced(profile: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < profile.length; i++) {
    const char = profile[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === ";") i = profile.indexOf("\n", i);
    else if (char === "(") depth++;
    else if (char === ")" && --depth < 0) return false;
    if (i === -1) break;
  }
  return depth === 0 && !inString;
}

describe("seatbeltProfile", () => {
  it("allows by default and denies writes outside the writable roots in one rule", () => {
    const profile = seatbeltProfile(policy);
    expect(profile.startsWith("(version 1)\n")).toBe(true);
    expect(profile).toContain("(allow default)");
    expect(profile.match(/\(deny file-write\*/g)).toHaveLength(1);
    expect(profile).not.toMatch(/\(allow file-write/);
    for (const root of policy.writableRoots) expect(profile).toContain(`(subpath "${root}")`);
    expect(profile).toContain(`(subpath "${policy.privateTmp}")`);
    expect(profile).toContain('(literal "/dev/null")');
    expect(balanced(profile)).toBe(true);
  });

  it("denies every protected path as literal and subpath, existing or not", () => {
    const profile = seatbeltProfile(policy);
    const exceptions = profile.slice(
      profile.indexOf("(require-not", profile.indexOf("require-all")),
    );
    for (const entry of policy.protectedPaths) {
      expect(exceptions).toContain(`(literal "${entry.path}")`);
      expect(exceptions).toContain(`(subpath "${entry.path}")`);
    }
  });

  it("denies a protected link's target as well as the link", () => {
    expect(seatbeltProfile(policy)).toContain('(subpath "/Users/ann/my repo/shared/vscode")');
  });

  it("denies all network use without network, and none with it", () => {
    expect(seatbeltProfile(policy)).toMatch(/^\(deny network\*\)$/m);
    expect(seatbeltProfile({ ...policy, network: "all" })).not.toContain("network");
  });

  it("allows only the proxy's loopback port when commands get cairn's proxy", () => {
    const profile = seatbeltProfile({ ...policy, proxy: { type: "tcp", port: 50123 } });
    expect(profile).toContain('(deny network*\n  (require-not (remote ip "localhost:50123"))\n)\n');
    expect(profile).not.toMatch(/^\(deny network\*\)$/m);
    expect(profile).not.toMatch(/\(allow network/);
    expect(balanced(profile)).toBe(true);
    // With network on, the proxy changes nothing: there is nothing to deny.
    expect(
      seatbeltProfile({ ...policy, network: "all", proxy: { type: "tcp", port: 50123 } }),
    ).not.toContain("network");
  });

  it("refuses a proxy it cannot express: a Unix socket, or not a port", () => {
    expect(() =>
      seatbeltProfile({ ...policy, proxy: { type: "unix", socketPath: "/x/p.sock", port: 3128 } }),
    ).toThrow(/over TCP/);
    expect(() => seatbeltProfile({ ...policy, proxy: { type: "tcp", port: 0 } })).toThrow(
      /not a TCP port/,
    );
  });

  it("escapes quotes and backslashes in paths", () => {
    const odd = '/Users/ann/a "quoted" \\ dir';
    const profile = seatbeltProfile({ ...policy, writableRoots: [odd], protectedPaths: [] });
    expect(profile).toContain('(subpath "/Users/ann/a \\"quoted\\" \\\\ dir")');
    expect(balanced(profile)).toBe(true);
    expect(sbplString('a"b')).toBe('"a\\"b"');
  });

  it("refuses a path with a control character instead of guessing its escape", () => {
    expect(() => sbplString("/Users/ann/bad\nname")).toThrow(/control character/);
  });

  it("passes the profile inline and the command after --", () => {
    const args = seatbeltArgs(policy, ["/bin/bash", "-c", "ls"]);
    expect(args[0]).toBe("-p");
    expect(args[1]).toBe(seatbeltProfile(policy));
    expect(args.slice(2)).toEqual(["--", "/bin/bash", "-c", "ls"]);
  });
});
