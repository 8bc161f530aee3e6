import { describe, expect, it } from "vitest";
import { CairnError } from "../core/errors.ts";
import { configureSandbox, sandboxWish } from "./configure.ts";
import type { ExecRequest } from "./executor.ts";

const noFlags = { sandbox: false, noSandbox: false };

const request: ExecRequest = {
  argv: ["/bin/bash", "-c", "true"],
  cwd: "/",
  env: {},
  roots: ["/"],
  tempDir: "/tmp",
};

describe("sandboxWish", () => {
  it("lets the flag win over CAIRN_SANDBOX, and that over the setting", () => {
    expect(sandboxWish({ sandbox: true, noSandbox: false }, { CAIRN_SANDBOX: "0" })).toBe("on");
    expect(sandboxWish({ sandbox: false, noSandbox: true }, { CAIRN_SANDBOX: "1" })).toBe("off");
    expect(sandboxWish(noFlags, { CAIRN_SANDBOX: "1" }, false)).toBe("on");
    expect(sandboxWish(noFlags, { CAIRN_SANDBOX: "off" }, true)).toBe("off");
    expect(sandboxWish(noFlags, {}, true)).toBe("on");
    expect(sandboxWish(noFlags, { CAIRN_SANDBOX: "" })).toBe("default");
  });

  it("rejects both flags at once and a CAIRN_SANDBOX it does not understand", () => {
    expect(() => sandboxWish({ sandbox: true, noSandbox: true }, {})).toThrow(CairnError);
    expect(() => sandboxWish(noFlags, { CAIRN_SANDBOX: "maybe" })).toThrow(/CAIRN_SANDBOX=maybe/);
  });
});

describe("configureSandbox", () => {
  // An empty PATH and no CAIRN_BWRAP: bubblewrap is "not installed".
  const noBwrap = { PATH: "" };

  it("runs unsandboxed with a one-line warning when bubblewrap is missing by default", async () => {
    const setup = await configureSandbox({
      wish: "default",
      platform: "linux",
      env: noBwrap,
      network: "none",
    });
    expect(setup.executor.mode).toBe("none");
    expect(setup.warning).toMatch(
      /^bubblewrap not found: commands run without a sandbox; install it with `apt-get install bubblewrap`/,
    );
    expect(setup.warning).not.toContain("\n");
  });

  it("refuses commands when the sandbox was required, until the user allows running without it", async () => {
    const { executor, warning } = await configureSandbox({
      wish: "on",
      platform: "linux",
      env: noBwrap,
      network: "none",
    });
    expect(warning).toBeUndefined();
    expect(executor.mode).toBe("unavailable");
    expect(executor.needsUnsandboxedApproval()).toBe(true);
    const refused = await executor.prepare(request);
    expect(refused.type).toBe("refused");
    if (refused.type === "refused") {
      expect(refused.message).toContain("the sandbox is required");
      expect(refused.message).toContain("apt-get install bubblewrap");
    }
    executor.allowUnsandboxed();
    expect(executor.needsUnsandboxedApproval()).toBe(false);
    const ready = await executor.prepare(request);
    expect(ready).toMatchObject({ type: "ready", program: "/bin/bash", sandboxed: false });
  });

  it("explains a CAIRN_BWRAP that is not there", async () => {
    const setup = await configureSandbox({
      wish: "default",
      platform: "linux",
      env: { CAIRN_BWRAP: "/nonexistent/bwrap" },
      network: "none",
    });
    expect(setup.executor.mode).toBe("none");
    expect(setup.warning).toContain("CAIRN_BWRAP=/nonexistent/bwrap is not an executable file");
  });

  it("reads sandbox.network settings, refusing an entry that is not a host", async () => {
    await expect(
      configureSandbox({
        wish: "default",
        platform: "linux",
        env: noBwrap,
        network: { allowedDomains: ["github.com", "https://npmjs.org"] },
      }),
    ).rejects.toThrow(/sandbox\.network\.allowedDomains\[1\]: "https:\/\/npmjs.org" is not a host/);
    const fine = await configureSandbox({
      wish: "default",
      platform: "linux",
      env: noBwrap,
      network: { allowedDomains: ["github.com", "*.npmjs.org"], deniedDomains: [] },
    });
    expect(fine.executor.mode).toBe("none");
  });

  it("is off without a warning when turned off, and says so on platforms without one", async () => {
    const off = await configureSandbox({
      wish: "off",
      platform: "linux",
      env: {},
      network: "none",
    });
    expect(off).toEqual({ executor: expect.objectContaining({ mode: "none" }) as unknown });
    const windows = await configureSandbox({
      wish: "default",
      platform: "win32",
      env: {},
      network: "none",
    });
    expect(windows.warning).toBe("no sandbox is available on win32: commands run without one");
  });
});
