// Outside-style checks of the file tools (Read, Write, Edit, MultiEdit, apply_patch) through the
// built CLI and the scripted model server: odd but valid input, legacy encodings, symlinks, and
// what reaches the model and the disk.

import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { runCli, stderrBesidesSandboxNotice, tempDir } from "./run-cli.ts";
import { call, turn } from "./scripted.ts";
import { toolOutputs, wireSetup, type Wire } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

const done = turn({ type: "text", text: "done" });
const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");
const latin1 = (text: string) => Buffer.from(text, "latin1");

async function session(wire: Wire, dir: string, scenario: Scenario) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup(wire, server.url);
  const run = await runCli(
    // The prompt goes first: --allowedTools takes every argument after it.
    ["-p", "go", "--model", setup.model, "--allowedTools", "Edit,MultiEdit,Write,apply_patch"],
    { cwd: dir, env: { ...setup.env, CAIRN_RETRY_BASE_MS: "5" } },
  );
  expect(server.violations).toEqual([]);
  expect(run.code).toBe(0);
  const outputs = toolOutputs(wire, server.requests.at(-1)?.body);
  return { run, outputs: outputs.map(([, text, isError]) => ({ text, isError })) };
}

function toolNames(body: unknown): string[] {
  const tools = (body as { tools: Array<{ name?: string; function?: { name: string } }> }).tools;
  return tools.map((tool) => tool.name ?? tool.function?.name ?? "");
}

describe("file tools, checked from outside", () => {
  it("shows a Latin-1 file as a guess, and refuses Edit and Write of it and of Shift-JIS text, bytes unchanged", async () => {
    const dir = await tempDir("cairn-audit-");
    const legacy = latin1("/* caf\xe9 */\r\nint prix = 5;\r\n");
    await writeFile(join(dir, "legacy.c"), legacy);
    // "REM 表示を更新" in Shift-JIS: 表 is 95 5C, so replacing "\\" everywhere would split it.
    const sjis = Buffer.concat([
      latin1("REM "),
      Buffer.from([0x95, 0x5c, 0x8e, 0xa6, 0x82, 0xf0, 0x8d, 0x58, 0x90, 0x56]),
      latin1("\r\nset DIR=C:\\Users\\data\r\n"),
    ]);
    await writeFile(join(dir, "run.bat"), sjis);
    const file = join(dir, "legacy.c");
    const { run, outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: file })),
        turn(
          call("Edit", { file_path: file, old_string: "prix = 5;", new_string: "prix = 6; // €" }),
        ),
        turn(call("Write", { file_path: file, content: "int prix = 6;\n" })),
        turn(call("Read", { file_path: "run.bat" })),
        turn(
          call("Edit", {
            file_path: "run.bat",
            old_string: "\\",
            new_string: "/",
            replace_all: true,
          }),
        ),
        done,
      ],
    });
    expect(stderrBesidesSandboxNotice(run.stderr)).toBe("");
    expect(outputs[0]).toEqual({
      isError: false,
      text: expect.stringContaining(
        "     1\t/* café */\n     2\tint prix = 5;\n\n[Note: legacy.c is not UTF-8. It is shown as Windows-1252, a guess: the real encoding may be another",
      ) as unknown,
    });
    expect(outputs[0]?.text).toContain("Edit and Write will refuse this file until it is UTF-8");
    expect(outputs[1]).toEqual({
      isError: true,
      text: expect.stringContaining(
        "legacy.c cannot be edited safely: it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251); nothing was written. Find its encoding with `file -i legacy.c`",
      ) as unknown,
    });
    expect(outputs[2]?.isError).toBe(true);
    expect(outputs[2]?.text).toContain("legacy.c is not text Write can preserve");
    expect(await readFile(file)).toEqual(legacy);
    expect(outputs[3]?.isError).toBe(false);
    expect(outputs[3]?.text).toContain("     2\tset DIR=C:\\Users\\data");
    expect(outputs[4]?.isError).toBe(true);
    expect(outputs[4]?.text).toContain("run.bat cannot be edited safely");
    expect(await readFile(join(dir, "run.bat"))).toEqual(sjis);
  });

  it("matches an accent typed composed in a file that stores it decomposed, and applies two Edits of one turn in order", async () => {
    const dir = await tempDir("cairn-audit-");
    const file = join(dir, "menu.md");
    await writeFile(file, "- cafe\u0301 cre\u0300me\n- the\u0301\n");
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: "menu.md" })),
        // Two edits of the same file in one assistant turn: each sees the other's result.
        turn(
          call("Edit", {
            file_path: file,
            old_string: "caf\u00e9 cr\u00e8me",
            new_string: "caf\u00e9 noir",
          }),
          call("Edit", {
            file_path: file,
            old_string: "- caf\u00e9 noir",
            new_string: "- espresso",
          }),
        ),
        done,
      ],
    });
    expect(outputs.map((output) => output.isError)).toEqual([false, false, false]);
    // The untouched line keeps its decomposed accent; nothing was normalised behind the user's back.
    expect(await readFile(file, "utf8")).toBe("- espresso\n- the\u0301\n");
  });

  it("MultiEdit writes nothing when its third edit fails; Write over an unread binary says what to do", async () => {
    const dir = await tempDir("cairn-audit-");
    const file = join(dir, "a.py");
    const original = "alpha = 1\nbeta = 2\ngamma = 3\n";
    await writeFile(file, original);
    const blob = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);
    await writeFile(join(dir, "tool.bin"), blob);
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: file })),
        turn(
          call("MultiEdit", {
            file_path: file,
            edits: [
              { old_string: "alpha = 1", new_string: "alpha = 10" },
              { old_string: "alpha = 10\nbeta", new_string: "alpha = 10\nBETA" },
              { old_string: "delta = 4", new_string: "delta = 40" },
            ],
          }),
        ),
        turn(call("Write", { file_path: "tool.bin", content: "#!/bin/sh\n" })),
        turn(call("Edit", { file_path: "new/dir/b.py", old_string: "", new_string: "b = 1\n" })),
        done,
      ],
    });
    expect(outputs[1]?.isError).toBe(true);
    expect(outputs[1]?.text).toContain(
      "Edit 3 of 3 (applied after edits 1-2) failed: old_string was not found in a.py.",
    );
    expect(await readFile(file, "utf8")).toBe(original);
    expect(outputs[2]?.isError).toBe(true);
    expect(outputs[2]?.text).toContain(
      "tool.bin is not text Write can preserve (it is binary data, not text); nothing was written. To replace it entirely, delete it first",
    );
    expect(await readFile(join(dir, "tool.bin"))).toEqual(blob);
    expect(outputs[3]).toEqual({ isError: false, text: "Created new/dir/b.py (1 line)." });
    expect(await readFile(join(dir, "new/dir/b.py"), "utf8")).toBe("b = 1\n");
  });

  it("lets Edit follow a ranged Read (offset/limit) of a small file, as Claude Code does", async () => {
    const dir = await tempDir("cairn-audit-");
    const file = join(dir, "list.txt");
    const lines = Array.from({ length: 40 }, (_, i) => `item ${i + 1}`).join("\n") + "\n";
    await writeFile(file, lines);
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: file, offset: 20, limit: 2 })),
        turn(
          call("Edit", {
            file_path: file,
            old_string: "item 21\n",
            new_string: "item twenty-one\n",
          }),
        ),
        done,
      ],
    });
    expect(outputs[0]?.text).toBe(
      "    20\titem 20\n    21\titem 21\n\n[Showing lines 20-21 of 40. Continue with offset=22.]",
    );
    expect(outputs[1]).toEqual({
      isError: false,
      text: expect.stringContaining("    21\titem twenty-one") as unknown,
    });
    expect(await readFile(file, "utf8")).toBe(lines.replace("item 21\n", "item twenty-one\n"));
  });

  it("does not let a symlink inside the workspace carry Read or Write outside it in print mode", async () => {
    const dir = await tempDir("cairn-audit-");
    const outside = await tempDir("cairn-outside-");
    await writeFile(join(outside, "secret.txt"), "top secret\n");
    await symlink(join(outside, "secret.txt"), join(dir, "notes.txt"));
    await symlink(outside, join(dir, "shared"));
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: join(dir, "notes.txt") })),
        turn(call("Read", { file_path: "shared/secret.txt" })),
        turn(call("Write", { file_path: "shared/planted.txt", content: "x\n" })),
        done,
      ],
    });
    for (const output of outputs) {
      expect(output.isError).toBe(true);
      expect(output.text).toContain("outside the workspace");
      expect(output.text).not.toContain("top secret");
    }
    await expect(readFile(join(outside, "planted.txt"))).rejects.toThrow();
  });

  it("apply_patch: a failing hunk in the second file leaves the first untouched; Latin-1 refused; outside paths denied", async () => {
    const dir = await tempDir("cairn-audit-");
    const outside = await tempDir("cairn-outside-");
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "src", "a.txt"), "one\ntwo\n");
    await writeFile(join(dir, "src", "b.txt"), "b\n");
    await writeFile(join(dir, "src", "d.txt"), latin1("na\xefve\nfin\n"));
    await symlink(outside, join(dir, "shared"));
    const { outputs } = await session("openai", dir, {
      turns: [
        turn(
          call("apply_patch", {
            input: patch(
              "*** Update File: src/a.txt",
              "-two",
              "+TWO",
              "*** Add File: src/c.txt",
              "+new",
              "*** Update File: src/b.txt",
              "@@",
              "-not in the file",
              "+x",
            ),
          }),
        ),
        turn(
          call("apply_patch", {
            input: patch("*** Update File: src/d.txt", "-naïve", "+naïf – ok", " fin"),
          }),
        ),
        turn(call("apply_patch", { input: patch("*** Add File: shared/planted.txt", "+x") })),
        turn(call("apply_patch", { input: patch("*** Add File: ../planted.txt", "+x") })),
        done,
      ],
    });
    expect(outputs[0]?.text).toContain(
      "apply_patch failed; no file was changed.\nsrc/b.txt: hunk 1 of 1",
    );
    expect(await readFile(join(dir, "src", "a.txt"), "utf8")).toBe("one\ntwo\n");
    await expect(readFile(join(dir, "src", "c.txt"))).rejects.toThrow();
    expect(outputs[1]?.text).toContain(
      "apply_patch failed; no file was changed.\nUpdate File src/d.txt (patch line 2): cannot patch it as text: it is not valid UTF-8 text (perhaps Latin-1/Windows-1252",
    );
    expect(await readFile(join(dir, "src", "d.txt"))).toEqual(latin1("na\xefve\nfin\n"));
    expect(outputs[2]?.text).toContain("outside the workspace");
    expect(outputs[3]?.text).toContain("outside the workspace");
    await expect(readFile(join(outside, "planted.txt"))).rejects.toThrow();
    await expect(readFile(join(dir, "..", "planted.txt"))).rejects.toThrow();
  });

  const editTools: Record<Wire, string[]> = {
    anthropic: ["Edit", "MultiEdit"],
    openai: ["apply_patch"],
    "openai-chat": ["Edit", "MultiEdit"], // an open model (qwen3-coder), not an OpenAI one
  };
  it.each(["anthropic", "openai", "openai-chat"] as const)(
    "offers the edit tool of the model family and Reads an image told by its content (%s)",
    async (wire) => {
      const dir = await tempDir("cairn-audit-");
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(24, 7),
      ]);
      await writeFile(join(dir, "screenshot.bin"), png);
      await session(wire, dir, {
        turns: [turn(call("Read", { file_path: "screenshot.bin" })), done],
      });
      const names = toolNames(server.requests[0]?.body);
      const editing = names.filter((name) => ["Edit", "MultiEdit", "apply_patch"].includes(name));
      expect(editing).toEqual(editTools[wire]);
      expect(names).toEqual(expect.arrayContaining(["Read", "Write"]));
      const body = JSON.stringify(server.requests.at(-1)?.body);
      expect(body).toContain("Image screenshot.bin (image/png, 32 bytes)");
      expect(body).toContain(png.toString("base64"));
    },
  );
});
