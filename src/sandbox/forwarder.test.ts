// The forwarder and its wrapper on the host, without a sandbox: they are plain processes, and
// what bubblewrap adds (the namespace they die with) is tested in network-sandbox.test.ts. Here
// nothing ends the forwarder with the command, so each test stops the ones it started.

import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forwarderWrapper, proxyEnv, withForwarder } from "./forwarder.ts";

let dir: string;
let proxy: Server;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "cairn-forwarder-")));
  // Stands in for cairn's proxy: answers each connection with what it received, upper-cased.
  proxy = createServer((socket) =>
    socket.on("data", (data) => socket.end(String(data).toUpperCase())),
  );
  await new Promise<void>((resolve) => proxy.listen(join(dir, "proxy.sock"), resolve));
});

/** Host pids of forwarders relaying to a socket in this test's folder. */
async function forwarders(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (argv[0] === process.execPath && argv[1] === "-e" && argv[3]?.startsWith(dir)) {
      found.push(Number(entry));
    }
  }
  return found;
}

afterEach(async () => {
  for (const pid of await forwarders()) process.kill(pid, "SIGKILL");
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0] ?? "", argv.slice(1), { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
    });
  });
}

describe.skipIf(process.platform !== "linux")("the forwarder", () => {
  it("listens before the command starts, relays to the socket, and keeps the argv intact", async () => {
    const port = 30000 + Math.floor(Math.random() * 20000);
    const argv = withForwarder(
      [
        "/bin/bash",
        "-c",
        `exec 5<>/dev/tcp/127.0.0.1/${port} && echo "$1" >&5 && cat <&5; exit 3`,
        "script",
        "an argument with spaces",
      ],
      { nodePath: process.execPath, socketPath: join(dir, "proxy.sock"), port },
    );
    const result = await run(argv);
    expect(result).toEqual({ code: 3, stdout: "AN ARGUMENT WITH SPACES\n", stderr: "" });
    // It outlived the command only because no sandbox's pid namespace took it along.
    expect(await forwarders()).toHaveLength(1);
  });

  it("does not run the command when the forwarder cannot start, and says why", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const argv = withForwarder(["/bin/sh", "-c", "echo ran"], {
        nodePath: process.execPath,
        socketPath: join(dir, "proxy.sock"),
        port,
      });
      const result = await run(argv);
      expect(result.code).toBe(125);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(
        "cairn: the sandbox's network forwarder did not start: error:",
      );
      expect(result.stderr).toContain("EADDRINUSE");
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("is a POSIX sh script that ends by exec-ing the command", () => {
    expect(forwarderWrapper.split("\n").at(-1)).toBe('exec "$@"');
  });

  it("points every proxy variable at the forwarder and keeps localhost direct", () => {
    const env = proxyEnv(3128);
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"]) {
      expect(env[name], name).toBe("http://127.0.0.1:3128");
    }
    expect(env.NO_PROXY).toBe("localhost,127.0.0.1,::1");
    expect(env.no_proxy).toBe(env.NO_PROXY);
  });
});
