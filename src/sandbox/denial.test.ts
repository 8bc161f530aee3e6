import { describe, expect, it } from "vitest";
import { sandboxDenialNote, sandboxNotePrefix } from "./denial.ts";
import type { SandboxPolicy } from "./policy.ts";

const policy: SandboxPolicy = {
  workspaceRoots: ["/ws"],
  writableRoots: ["/ws", "/ws/.git"],
  protectedPaths: [
    { path: "/ws/.git/hooks", state: { type: "dir" } },
    { path: "/ws/.mcp.json", state: { type: "missing", placeholder: "dir" } },
  ],
  hiddenPaths: [],
  privateTmp: "/tmp/x/sandbox-tmp",
  sessionDir: "/tmp/x",
  network: "none",
};

describe("sandboxDenialNote", () => {
  it("blames the sandbox for a read-only file system, naming what stays read-only", () => {
    const note = sandboxDenialNote(
      policy,
      "touch: cannot touch '/etc/x': Read-only file system",
      1,
    );
    expect(note?.startsWith(sandboxNotePrefix)).toBe(true);
    expect(note).toContain(".git/hooks");
    expect(note).toContain(".mcp.json");
  });

  it("blames it for network failures only when the network is off", () => {
    const output = "curl: (6) Could not resolve host: example.com";
    expect(sandboxDenialNote(policy, output, 6)).toContain("no network access");
    expect(sandboxDenialNote({ ...policy, network: "all" }, output, 6)).toBeUndefined();
    const refused =
      "bash: connect: Connection refused\nbash: /dev/tcp/127.0.0.1/8080: Connection refused";
    expect(sandboxDenialNote(policy, refused, 1)).toContain("localhost");
  });

  it("with cairn's proxy, names the hosts it refused and the setting to change", () => {
    const proxied: SandboxPolicy = { ...policy, proxy: { type: "tcp", port: 5000 } };
    const curl = "curl: (56) CONNECT tunnel failed, response 403";
    const note = sandboxDenialNote(proxied, curl, 56, ["evil.com", "b.com"]);
    expect(note?.startsWith(sandboxNotePrefix)).toBe(true);
    expect(note).toContain("cairn's network proxy refused evil.com, b.com");
    expect(note).toContain("ask the user to add it to sandbox.network.allowedDomains");
    // From the output alone (a refusal another command's traffic would not explain).
    expect(sandboxDenialNote(proxied, curl, 56)).toContain("refused the connection");
    const python = "OSError('Tunnel connection failed: 403 Blocked by cairn sandbox')";
    expect(sandboxDenialNote(proxied, python, 1)).toContain("sandbox.network.allowedDomains");
    // Without a proxy a 403 is the server's business.
    expect(sandboxDenialNote(policy, curl, 56)).toBeUndefined();
  });

  it("with cairn's proxy, explains a direct connection or a lookup that failed", () => {
    const proxied: SandboxPolicy = { ...policy, proxy: { type: "tcp", port: 5000 } };
    const note = sandboxDenialNote(proxied, "curl: (6) Could not resolve host: x.org", 6);
    expect(note).toContain("only through cairn's proxy");
    expect(note).toContain("sandbox.network.allowedDomains");
    expect(note).not.toContain("no network access");
    expect(sandboxDenialNote(proxied, "all good", 0, ["evil.com"])).toBeUndefined();
  });

  it("says nothing when the command succeeded or failed for its own reasons", () => {
    expect(sandboxDenialNote(policy, "Read-only file system", 0)).toBeUndefined();
    expect(sandboxDenialNote(policy, "FAIL src/a.test.ts: expected 1 to be 2", 1)).toBeUndefined();
  });

  it("blames 'Permission denied' or 'Is a directory' only on a protected path", () => {
    expect(sandboxDenialNote(policy, "bash: ./run.sh: Permission denied", 126)).toBeUndefined();
    expect(
      sandboxDenialNote(policy, "cp: cannot create '.git/hooks/x': Permission denied", 1),
    ).toBeDefined();
    expect(sandboxDenialNote(policy, "bash: .mcp.json: Is a directory", 1)).toBeDefined();
    expect(sandboxDenialNote(policy, "cat: src: Is a directory", 1)).toBeUndefined();
  });
});
