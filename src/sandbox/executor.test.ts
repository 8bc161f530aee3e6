// The executor's preparation, without running anything: these hold where bwrap is missing too.

import { lstat, mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { networkAccess, type DomainAllowlist } from "./domain-allowlist.ts";
import { createExecutor, type ExecRequest } from "./executor.ts";
import { forwarderPort } from "./forwarder.ts";

let base: string;
let request: ExecRequest;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-executor-")));
  await mkdir(join(base, "ws"));
  await mkdir(join(base, "temp"));
  request = {
    argv: ["/bin/bash", "-c", "true"],
    cwd: join(base, "ws"),
    env: { PATH: "/usr/bin", TMPDIR: "/somewhere" },
    roots: [join(base, "ws")],
    tempDir: join(base, "temp"),
  };
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const sandbox = { network: "none" as const, home: undefined, hide: [] };

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

describe("createExecutor", () => {
  it("runs the argv as it is without a sandbox", async () => {
    const prepared = await createExecutor({ mode: "none" }).prepare(request);
    expect(prepared).toMatchObject({
      type: "ready",
      program: "/bin/bash",
      args: ["-c", "true"],
      env: request.env,
      sandboxed: false,
    });
  });

  it("wraps the argv in bwrap, with placeholders that last until release", async () => {
    const executor = createExecutor({ mode: "bwrap", bwrapPath: "/usr/bin/bwrap", ...sandbox });
    const prepared = await executor.prepare(request);
    if (prepared.type !== "ready") throw new Error(prepared.message);
    expect(prepared.program).toBe("/usr/bin/bwrap");
    expect(prepared.args.slice(-6)).toEqual([
      "--chdir",
      request.cwd,
      "--",
      "/bin/bash",
      "-c",
      "true",
    ]);
    expect(prepared.env.TMPDIR).toBe("/tmp");
    expect(prepared.contained).toBe(true);
    expect(await exists(join(base, "ws", ".claude"))).toBe(true);
    expect(await exists(join(base, "temp", "sandbox-tmp"))).toBe(true);
    await prepared.release();
    expect(await exists(join(base, "ws", ".claude"))).toBe(false);
    expect(prepared.explain("Read-only file system", 1)).toContain("blocked by the sandbox");
  });

  it("refuses under bwrap when a protected path is a symbolic link, touching nothing", async () => {
    await mkdir(join(base, "ws", "shared"));
    await symlink("shared", join(base, "ws", ".vscode"));
    const executor = createExecutor({ mode: "bwrap", bwrapPath: "/usr/bin/bwrap", ...sandbox });
    const prepared = await executor.prepare(request);
    expect(prepared.type).toBe("refused");
    if (prepared.type === "refused")
      expect(prepared.message).toContain(".vscode is a symbolic link");
    expect(await exists(join(base, "ws", ".claude"))).toBe(false);
  });

  it("wraps the argv in sandbox-exec with the profile, and a private TMPDIR", async () => {
    const executor = createExecutor({ mode: "seatbelt", ...sandbox });
    const prepared = await executor.prepare(request);
    if (prepared.type !== "ready") throw new Error(prepared.message);
    expect(prepared.program).toBe("/usr/bin/sandbox-exec");
    expect(prepared.args[0]).toBe("-p");
    expect(prepared.args[1]).toContain(`(subpath "${join(base, "ws")}")`);
    expect(prepared.args[1]).toContain(`(literal "${join(base, "ws", ".claude")}")`);
    expect(prepared.args.slice(2)).toEqual(["--", "/bin/bash", "-c", "true"]);
    expect(prepared.env.TMPDIR).toBe(join(base, "temp", "sandbox-tmp"));
    // Seatbelt denies by path: nothing is created on disk.
    expect(await exists(join(base, "ws", ".claude"))).toBe(false);
  });

  describe("with allowed domains", () => {
    const access = networkAccess({ allowedDomains: ["github.com"] });
    const allowlist = (access as { allowlist: DomainAllowlist }).allowlist;
    const socket = () => join(base, "temp", "network", "proxy.sock");

    it("starts no proxy before the first command, and closes it on dispose", async () => {
      const executor = createExecutor({
        mode: "bwrap",
        bwrapPath: "/usr/bin/bwrap",
        ...sandbox,
        allowlist,
        nodePath: "/opt/node/bin/node",
      });
      expect(await exists(join(base, "temp", "network"))).toBe(false);
      const prepared = await executor.prepare(request);
      if (prepared.type !== "ready") throw new Error(prepared.message);
      expect(await exists(socket())).toBe(true);
      // The forwarder starts first, then the command runs as it was.
      const command = prepared.args.slice(prepared.args.indexOf("--") + 1);
      expect(command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
      expect(command.slice(3, 5)).toEqual(["cairn-network", "/opt/node/bin/node"]);
      expect(command.slice(6)).toEqual([
        socket(),
        String(forwarderPort),
        "/bin/bash",
        "-c",
        "true",
      ]);
      expect(prepared.args).toContain("--unshare-net");
      expect(prepared.env.HTTPS_PROXY).toBe(`http://127.0.0.1:${forwarderPort}`);
      expect(prepared.env.NO_PROXY).toBe("localhost,127.0.0.1,::1");
      expect(prepared.env.PATH).toBe("/usr/bin");
      await prepared.release();
      // One proxy for the session.
      const again = await executor.prepare(request);
      expect(again.type === "ready" && again.args.includes(socket())).toBe(true);
      await executor.dispose();
      expect(await exists(socket())).toBe(false);
      expect((await executor.prepare(request)).type).toBe("refused");
    });

    it("gives Seatbelt commands the proxy's loopback port, and only that", async () => {
      const executor = createExecutor({ mode: "seatbelt", ...sandbox, allowlist });
      try {
        const prepared = await executor.prepare(request);
        if (prepared.type !== "ready") throw new Error(prepared.message);
        const port = /remote ip "localhost:(\d+)"/.exec(prepared.args[1] ?? "")?.[1];
        expect(port).toBeDefined();
        expect(prepared.env.HTTP_PROXY).toBe(`http://127.0.0.1:${port}`);
        expect(prepared.args.slice(2)).toEqual(["--", "/bin/bash", "-c", "true"]);
        // The proxy is listening there.
        const response = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.status);
        expect(response).toBe(400);
      } finally {
        await executor.dispose();
      }
    });

    it("refuses the command, saying what the user can do, when the proxy cannot start", async () => {
      const long = join(base, "t".repeat(110));
      await mkdir(long);
      const executor = createExecutor({
        mode: "bwrap",
        bwrapPath: "/usr/bin/bwrap",
        ...sandbox,
        allowlist,
      });
      const prepared = await executor.prepare({ ...request, tempDir: long });
      expect(prepared.type).toBe("refused");
      if (prepared.type === "refused") {
        expect(prepared.message).toContain("network proxy");
        expect(prepared.message).toContain("set TMPDIR to a shorter folder");
        expect(prepared.message).toContain("--no-sandbox");
      }
      // Nothing was mounted for a command that did not run.
      expect(await exists(join(base, "ws", ".claude"))).toBe(false);
      await executor.dispose();
    });

    it("starts no proxy when the network is all on", async () => {
      const executor = createExecutor({
        mode: "bwrap",
        bwrapPath: "/usr/bin/bwrap",
        ...sandbox,
        network: "all",
        allowlist,
      });
      const prepared = await executor.prepare(request);
      if (prepared.type !== "ready") throw new Error(prepared.message);
      expect(prepared.env.HTTP_PROXY).toBeUndefined();
      expect(prepared.args).not.toContain("--unshare-net");
      expect(await exists(join(base, "temp", "network"))).toBe(false);
      await prepared.release();
    });
  });
});
