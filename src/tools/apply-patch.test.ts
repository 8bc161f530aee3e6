import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  realpath,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPatchTool } from "./apply-patch.ts";
import { sha256 } from "./file-ledger.ts";
import { createToolSession } from "./session.ts";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { LEGACY_SAMPLES } from "./legacy-text-fixtures.ts";

let fx: FileToolsFixture;

beforeEach(async () => {
  fx = await createFileToolsFixture();
});

afterEach(async () => {
  await fx.dispose();
});

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

async function run(...lines: string[]) {
  const output = await fx.call(applyPatchTool, { input: patch(...lines) });
  return { ...output, text: textOf(output) };
}

async function put(name: string, content: string | Buffer): Promise<void> {
  await mkdir(join(fx.root, name, ".."), { recursive: true });
  await writeFile(fx.path(name), content);
}

const read = (name: string) => readFile(fx.path(name), "utf8");

async function exists(name: string): Promise<boolean> {
  return stat(fx.path(name)).then(
    () => true,
    () => false,
  );
}

describe("apply_patch", () => {
  it("adds, updates and deletes files in one patch and summarises each", async () => {
    await put("src/app.py", "import os\n\ndef main():\n    print('hi')\n    return 0\n");
    await put("old.txt", "bye\n");
    const result = await run(
      "*** Add File: src/util/helpers.py",
      "+def helper():",
      "+    return 42",
      "*** Update File: src/app.py",
      "@@ def main():",
      "-    print('hi')",
      "+    print('hello')",
      "     return 0",
      "*** Delete File: old.txt",
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toBe(
      "Applied the patch:\nA src/util/helpers.py (+2)\nM src/app.py (+1 -1)\nD old.txt",
    );
    expect(await read("src/util/helpers.py")).toBe("def helper():\n    return 42\n");
    expect(await read("src/app.py")).toBe(
      "import os\n\ndef main():\n    print('hello')\n    return 0\n",
    );
    expect(await exists("old.txt")).toBe(false);
    const display = result.display as {
      type: string;
      files: Array<{ path: string; unifiedDiff: string }>;
    };
    expect(display.type).toBe("patch");
    expect(display.files.map((file) => file.path)).toEqual([
      "src/util/helpers.py",
      "src/app.py",
      "old.txt",
    ]);
    expect(display.files[1]?.unifiedDiff).toContain("-    print('hi')\n+    print('hello')");
  });

  it("records written files in the ledger so Edit can follow without a new Read", async () => {
    await put("a.txt", "one\ntwo\n");
    await run("*** Update File: a.txt", "@@", "-two", "+2");
    const record = fx.session.files.lastRead(fx.path("a.txt"));
    expect(record?.sha256).toBe(sha256(await readFile(fx.path("a.txt"))));
    expect(record?.partial).toBe(false);
  });

  it("updates a file that was never Read: its context lines are the freshness check", async () => {
    await put("a.txt", "one\ntwo\n");
    const result = await run("*** Update File: a.txt", "@@", " one", "-two", "+2");
    expect(result.isError).toBeUndefined();
    expect(await read("a.txt")).toBe("one\n2\n");
  });

  it("moves a file with changes, keeping its permission bits", async () => {
    await put("bin/run.sh", "#!/bin/sh\necho old\n");
    await chmod(fx.path("bin/run.sh"), 0o755);
    const result = await run(
      "*** Update File: bin/run.sh",
      "*** Move to: scripts/run.sh",
      "@@",
      "-echo old",
      "+echo new",
    );
    expect(result.text).toBe("Applied the patch:\nM bin/run.sh -> scripts/run.sh (+1 -1)");
    expect(await exists("bin/run.sh")).toBe(false);
    expect(await read("scripts/run.sh")).toBe("#!/bin/sh\necho new\n");
    expect((await stat(fx.path("scripts/run.sh"))).mode & 0o777).toBe(0o755);
  });

  it("renames without hunks", async () => {
    await put("a.txt", "same\n");
    const result = await run("*** Update File: a.txt", "*** Move to: b.txt");
    expect(result.isError).toBeUndefined();
    expect(await read("b.txt")).toBe("same\n");
    expect(await exists("a.txt")).toBe(false);
  });

  it("keeps CRLF line endings, a BOM and a missing final newline", async () => {
    await put("win.txt", Buffer.from("\uFEFFfirst\r\nsecond\r\nthird", "utf8"));
    const result = await run(
      "*** Update File: win.txt",
      "@@",
      " first",
      "-second",
      "+2nd",
      "+2.5",
      " third",
    );
    expect(result.isError).toBeUndefined();
    expect(await readFile(fx.path("win.txt"))).toEqual(
      Buffer.from("\uFEFFfirst\r\n2nd\r\n2.5\r\nthird", "utf8"),
    );
  });

  it.each(LEGACY_SAMPLES.map((sample) => [sample.label, sample] as const))(
    "refuses to patch %s text, and changes no file of the patch",
    async (_label, sample) => {
      await put("ok.txt", "one\n");
      await put(sample.name, sample.bytes);
      const result = await run(
        "*** Update File: ok.txt",
        "-one",
        "+ONE",
        `*** Update File: ${sample.name}`,
        "@@",
        `-${sample.text.split(/\r?\n/)[0] ?? ""}`,
        "+DIR=D:/x",
      );
      expect(result.isError).toBe(true);
      const path = sample.name;
      expect(result.text).toBe(
        `apply_patch failed; no file was changed.\nUpdate File ${path} (patch line 5): cannot patch it as text: it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251). Find its encoding with \`file -i ${path}\`, convert it with \`iconv -f <ENCODING> -t UTF-8 ${path} > ${path}.utf8 && mv ${path}.utf8 ${path}\` and Read it again, or change it with a Bash command.`,
      );
      expect(await readFile(fx.path(sample.name))).toEqual(sample.bytes);
      expect(await read("ok.txt")).toBe("one\n");
    },
  );

  it('says it ignored a "\\ No newline at end of file" marker in an update, and keeps the final newline', async () => {
    await put("a.txt", "one\ntwo\n");
    const result = await run(
      "*** Update File: a.txt",
      "@@",
      " one",
      "-two",
      "+TWO",
      "\\ No newline at end of file",
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toBe(
      [
        "Applied the patch:",
        "M a.txt (+1 -1)",
        'Note: the "\\ No newline at end of file" marker (patch line 7) was ignored: an update keeps the file\'s final newline as it was, so a.txt still ends with a newline. To change that, use a Bash command.',
      ].join("\n"),
    );
    expect(await read("a.txt")).toBe("one\nTWO\n");
    const plain = await run("*** Update File: a.txt", "-TWO", "+2");
    expect(plain.text).toBe("Applied the patch:\nM a.txt (+1 -1)");
  });

  it("appends with an End of File hunk", async () => {
    await put("list.md", "- a\n- b\n");
    await run("*** Update File: list.md", "@@", " - b", "+- c", "*** End of File");
    expect(await read("list.md")).toBe("- a\n- b\n- c\n");
  });

  it("accepts absolute paths inside the workspace and shows them relative", async () => {
    await put("a.txt", "x\n");
    const result = await run(`*** Update File: ${fx.path("a.txt")}`, "@@", "-x", "+y");
    expect(result.text).toBe("Applied the patch:\nM a.txt (+1 -1)");
    expect(await read("a.txt")).toBe("y\n");
  });

  it("updates a symlinked file through the link, leaving the link in place", async () => {
    await put("real.txt", "x\n");
    await symlink("real.txt", fx.path("link.txt"));
    await run("*** Update File: link.txt", "@@", "-x", "+y");
    expect(await read("real.txt")).toBe("y\n");
    expect(await readlink(fx.path("link.txt"))).toBe("real.txt");
  });

  it("leaves every file byte-identical when a later hunk fails, and says which hunk and why", async () => {
    const a = "alpha\nbeta\n";
    const b = "one\ntwo\nthree\nfour\n";
    await put("a.txt", a);
    await put("b.txt", b);
    await put("gone.txt", "keep me\n");
    const result = await run(
      "*** Add File: new.txt",
      "+new",
      "*** Update File: a.txt",
      "@@",
      "-alpha",
      "+ALPHA",
      "*** Delete File: gone.txt",
      "*** Update File: b.txt",
      "@@",
      " one",
      "-two",
      "+2",
      "@@",
      " three",
      "-five",
      "+5",
    );
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      [
        "apply_patch failed; no file was changed.",
        "b.txt: hunk 2 of 2 (patch line 14), which starts:",
        "   three",
        "  -five",
        `The hunk's context was not found after line 2. The closest match starts at line 3, but hunk line 2 "five" differs from line 4: "four". Read the file again and copy the context exactly.`,
      ].join("\n"),
    );
    expect(await read("a.txt")).toBe(a);
    expect(await read("b.txt")).toBe(b);
    expect(await read("gone.txt")).toBe("keep me\n");
    expect(await exists("new.txt")).toBe(false);
  });

  it("refuses an ambiguous hunk", async () => {
    await put("a.txt", "x = 1\ny\nx = 1\n");
    const result = await run("*** Update File: a.txt", "@@", "-x = 1", "+x = 2");
    expect(result.isError).toBe(true);
    expect(result.text).toContain("found 2 times (at lines 1, 3)");
    expect(await read("a.txt")).toBe("x = 1\ny\nx = 1\n");
  });

  it("refuses to add a file that exists, or to update or delete one that does not", async () => {
    await put("a.txt", "x\n");
    expect((await run("*** Add File: a.txt", "+y")).text).toContain(
      "Add File a.txt (patch line 2): the file already exists.",
    );
    expect((await run("*** Update File: nope.txt", "@@", "-x", "+y")).text).toContain(
      'Update File nope.txt (patch line 2): no such file. Use "*** Add File:" to create it.',
    );
    expect((await run("*** Delete File: nope.txt")).text).toContain(
      "Delete File nope.txt (patch line 2): no such file.",
    );
    expect(await read("a.txt")).toBe("x\n");
  });

  it("refuses to move onto an existing file", async () => {
    await put("a.txt", "a\n");
    await put("b.txt", "b\n");
    const result = await run("*** Update File: a.txt", "*** Move to: b.txt", "@@", "-a", "+A");
    expect(result.text).toContain("cannot move to b.txt: a file already exists there");
    expect(await read("a.txt")).toBe("a\n");
    expect(await read("b.txt")).toBe("b\n");
  });

  it("applies operations on the same file in sequence (delete, then add again)", async () => {
    await put("a.txt", "old\n");
    const result = await run("*** Delete File: a.txt", "*** Add File: a.txt", "+new");
    expect(result.isError).toBeUndefined();
    expect(await read("a.txt")).toBe("new\n");
  });

  it("refuses to patch a binary file", async () => {
    await put("blob.bin", Buffer.from([0x89, 0xff, 0xfe, 0x00, 0x41]));
    const result = await run("*** Update File: blob.bin", "@@", "-A", "+B");
    expect(result.text).toContain(
      "Update File blob.bin (patch line 2): cannot patch it as text: it is binary data, not text. Change it with a Bash command.",
    );
    expect((await run("*** Add File: blob.bin", "+text")).text).toContain(
      "Add File blob.bin (patch line 2): the file already exists.",
    );
    expect((await run("*** Delete File: blob.bin")).isError).toBeUndefined();
    expect(await exists("blob.bin")).toBe(false);
  });

  it("rolls back earlier writes when a later write fails", async () => {
    await put("a.txt", "a\n");
    await put("gone.txt", "keep\n");
    await put("x", "a file where a folder is needed\n");
    const result = await run(
      "*** Update File: a.txt",
      "@@",
      "-a",
      "+A",
      "*** Delete File: gone.txt",
      "*** Add File: x/y.txt",
      "+y",
    );
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^apply_patch failed: Could not write x\/y.txt: .*\. No file was changed\.$/,
    );
    expect(await read("a.txt")).toBe("a\n");
    expect(await read("gone.txt")).toBe("keep\n");
    expect(await read("x")).toBe("a file where a folder is needed\n");
  });

  it("reports a malformed patch without touching anything", async () => {
    await put("a.txt", "a\n");
    const output = await fx.call(applyPatchTool, { input: "*** Update File: a.txt\n-a\n+b\n" });
    expect(output.isError).toBe(true);
    expect(textOf(output)).toBe(
      'Invalid patch; no file was changed. The patch must start with the line "*** Begin Patch".',
    );
  });

  it("describes access as a write of every path the patch names, even unparsable", () => {
    const input = patch(
      "*** Update File: a.txt",
      "*** Move to: b/c.txt",
      "@@",
      "-x",
      "+y",
      "*** Delete File: d.txt",
    );
    expect(applyPatchTool.describeAccess({ input })).toEqual({
      kind: "write",
      paths: ["a.txt", "b/c.txt", "d.txt"],
    });
    expect(applyPatchTool.describeAccess({ input: "*** Add File: x\nnonsense" })).toEqual({
      kind: "write",
      paths: ["x"],
    });
    expect(applyPatchTool.readOnly).toBe(false);
  });
});

describe("apply_patch and symlinks", () => {
  it("deletes a symlink the patch names, not the file it points to", async () => {
    const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-ap-link-")));
    await writeFile(join(root, "real.txt"), "keep me\n");
    await symlink("real.txt", join(root, "link.txt"));
    const session = createToolSession({ root, additionalDirs: [] });
    const input = applyPatchTool.input.parse({
      input: "*** Begin Patch\n*** Delete File: link.txt\n*** End Patch",
    });
    const result = await applyPatchTool.run(input, {
      cwd: root,
      signal: new AbortController().signal,
      session,
    });
    expect(result.isError).toBeFalsy();
    expect(await readFile(join(root, "real.txt"), "utf8")).toBe("keep me\n");
    await expect(lstat(join(root, "link.txt"))).rejects.toThrow();
  });
});
