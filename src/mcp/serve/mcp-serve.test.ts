// `cairn mcp serve` as another MCP client sees it: a real process over stdio, driven by the
// official SDK client, in a temp workspace with a temp HOME.

import { mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it, type TestContext } from "vitest";
import { serveCommand } from "../../../test/conformance/serve-command.ts";

interface Place {
  home: string;
  cwd: string;
}

async function place(): Promise<Place> {
  return {
    home: await realpath(await mkdtemp(join(tmpdir(), "cairn-serve-home-"))),
    cwd: await realpath(await mkdtemp(join(tmpdir(), "cairn-serve-work-"))),
  };
}

async function connect(
  test: Pick<TestContext, "onTestFinished">,
  where: Place,
  flags: string[] = [],
): Promise<Client> {
  const { command, args } = serveCommand(["--no-sandbox", ...flags]);
  const transport = new StdioClientTransport({
    command,
    args,
    cwd: where.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: where.home },
    stderr: "pipe",
  });
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(transport);
  test.onTestFinished(() => client.close());
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
  return { isError: result.isError === true, text, content: result.content };
}

describe.concurrent("cairn mcp serve", () => {
  it("lists cairn's built-in tools with their JSON schemas", async (test) => {
    const client = await connect(test, await place());
    expect(client.getServerVersion()?.name).toBe("cairn");
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ["Bash", "Read", "Edit", "MultiEdit", "Write", "Glob", "Grep", "LS"]) {
      expect(names).toContain(name);
    }
    const read = tools.find((tool) => tool.name === "Read");
    expect(read?.inputSchema.type).toBe("object");
    expect(read?.inputSchema.required).toEqual(["file_path"]);
    expect(read?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === "Bash")?.annotations?.readOnlyHint).toBe(false);
  });

  it("reads a file in the workspace", async (test) => {
    const where = await place();
    await writeFile(join(where.cwd, "notes.txt"), "first line\nsecond line\n");
    const client = await connect(test, where);
    const result = await call(client, "Read", { file_path: join(where.cwd, "notes.txt") });
    expect(result.isError).toBe(false);
    expect(result.text).toMatch(/1.first line/);
    expect(result.text).toMatch(/2.second line/);
  });

  it("refuses a Bash command the rules would ask about, saying how to allow it", async (test) => {
    const where = await place();
    const client = await connect(test, where);
    const result = await call(client, "Bash", { command: "touch made.txt" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Permission to use Bash was denied");
    expect(result.text).toContain("cairn mcp serve has no one to ask");
    await expect(readFile(join(where.cwd, "made.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("runs a command an --allowedTools rule allows", async (test) => {
    const where = await place();
    const client = await connect(test, where, ["--allowedTools", "Bash(touch:*)"]);
    const result = await call(client, "Bash", { command: "touch made.txt" });
    expect(result.isError).toBe(false);
    expect(await readFile(join(where.cwd, "made.txt"), "utf8")).toBe("");
  });

  it("refuses a path outside the workspace", async (test) => {
    const where = await place();
    const outside = join(where.home, "secret.txt");
    await writeFile(outside, "not for the client\n");
    const client = await connect(test, where);
    const result = await call(client, "Read", { file_path: outside });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("outside the workspace");
    expect(result.text).not.toContain("not for the client");
  });

  it("rejects invalid input with the field named, as the agent does", async (test) => {
    const client = await connect(test, await place());
    const result = await call(client, "Read", { path: "x" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("file_path");
  });

  it("applies an untrusted folder's deny rules but not its allow rules; --trust applies both", async (test) => {
    const where = await place();
    await mkdir(join(where.cwd, ".cairn"));
    await writeFile(
      join(where.cwd, ".cairn", "settings.json"),
      JSON.stringify({ permissions: { allow: ["Bash(touch:*)"], deny: ["Read(secret.txt)"] } }),
    );
    await writeFile(join(where.cwd, "secret.txt"), "hidden\n");
    const untrusted = await connect(test, where);
    const denied = await call(untrusted, "Read", { file_path: join(where.cwd, "secret.txt") });
    expect(denied.isError).toBe(true);
    expect(denied.text).not.toContain("hidden");
    expect((await call(untrusted, "Bash", { command: "touch a.txt" })).isError).toBe(true);

    const trusted = await connect(test, where, ["--trust"]);
    expect((await call(trusted, "Bash", { command: "touch a.txt" })).isError).toBe(false);
    expect(
      (await call(trusted, "Read", { file_path: join(where.cwd, "secret.txt") })).isError,
    ).toBe(true);
  });

  it("writes files only in a mode that allows edits", async (test) => {
    const where = await place();
    const target = join(where.cwd, "out.txt");
    const asking = await connect(test, where);
    expect((await call(asking, "Write", { file_path: target, content: "x\n" })).isError).toBe(true);
    const editing = await connect(test, where, ["--permission-mode", "acceptEdits"]);
    expect((await call(editing, "Write", { file_path: target, content: "x\n" })).isError).toBe(
      false,
    );
    expect(await readFile(target, "utf8")).toBe("x\n");
  });

  it("runs the trusted folder's PreToolUse hooks: a hook that exits 2 denies the call", async (test) => {
    const where = await place();
    await mkdir(join(where.cwd, ".claude"));
    await writeFile(
      join(where.cwd, ".claude", "guard.mjs"),
      `import { appendFileSync, readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
appendFileSync(process.env.CLAUDE_PROJECT_DIR + "/hook-log.jsonl", JSON.stringify(input) + "\\n");
if (input.tool_input.command.includes("forbidden")) {
  process.stderr.write("guard: forbidden files stay unmade");
  process.exit(2);
}
`,
    );
    await writeFile(
      join(where.cwd, ".claude", "settings.json"),
      JSON.stringify({
        hooks: {
          PreToolUse: [
            {
              matcher: "Bash",
              hooks: [
                {
                  type: "command",
                  command: `"${process.execPath}" "$CLAUDE_PROJECT_DIR/.claude/guard.mjs"`,
                },
              ],
            },
          ],
        },
      }),
    );
    // Untrusted: the folder's hooks do not run, so the allowed call goes through unjudged.
    const untrusted = await connect(test, where, ["--allowedTools", "Bash(touch:*)"]);
    expect((await call(untrusted, "Bash", { command: "touch forbidden-a.txt" })).isError).toBe(
      false,
    );
    await expect(readFile(join(where.cwd, "hook-log.jsonl"))).rejects.toThrow(/ENOENT/);

    const client = await connect(test, where, ["--trust", "--allowedTools", "Bash(touch:*)"]);
    const denied = await call(client, "Bash", { command: "touch forbidden-b.txt" });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain("guard: forbidden files stay unmade");
    await expect(readFile(join(where.cwd, "forbidden-b.txt"))).rejects.toThrow(/ENOENT/);
    const allowed = await call(client, "Bash", { command: "touch fine.txt" });
    expect(allowed.isError).toBe(false);
    await readFile(join(where.cwd, "fine.txt"));
    const log = (await readFile(join(where.cwd, "hook-log.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { hook_event_name: string; tool_name: string });
    expect(log.map((entry) => [entry.hook_event_name, entry.tool_name])).toEqual([
      ["PreToolUse", "Bash"],
      ["PreToolUse", "Bash"],
    ]);
  });

  it("does not offer a tool denied by name", async (test) => {
    const client = await connect(test, await place(), ["--disallowedTools", "Bash"]);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).not.toContain("Bash");
    const result = await call(client, "Bash", { command: "echo hi" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('No tool named "Bash"');
  });
});
