// `cairn mcp add|add-json` run in-process against real files in a temp HOME.

import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMcpCommand } from "./mcp-command.ts";

let base: string;
let home: string;
let root: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-mcp-cmd-")));
  home = join(base, "home");
  root = join(base, "repo");
  await mkdir(join(home, ".cairn"), { recursive: true });
  await mkdir(root, { recursive: true });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cairnMcp(...argv: string[]): Promise<number> {
  return runMcpCommand(argv, {
    stdout: { write: () => true } as unknown as NodeJS.WritableStream,
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
    env: { HOME: home, CAIRN_HOME: join(home, ".cairn") },
    cwd: root,
    signal: new AbortController().signal,
  });
}

describe("cairn mcp add", () => {
  it("mcp command › a damaged ~/.cairn/mcp.json fails naming the file and is left as it was", async () => {
    const file = join(home, ".cairn", "mcp.json");
    await writeFile(file, '{ "mcpServers": { "a": ');
    const error = await cairnMcp("add", "tiny", "--", "node", "server.js").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/line 1, column \d+/);
    expect(await readFile(file, "utf8")).toBe('{ "mcpServers": { "a": ');
  });
});
