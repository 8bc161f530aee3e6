// The executor's preparation, without running anything: these hold where bwrap is missing too.

import { lstat, mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExecutor, type ExecRequest } from "./executor.ts";

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
});
