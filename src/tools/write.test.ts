import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DiffDisplay } from "./diff-display.ts";
import { sha256 } from "./file-ledger.ts";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { readTool } from "./read.ts";
import { writeTool } from "./write.ts";

let fx: FileToolsFixture;
beforeEach(async () => {
  fx = await createFileToolsFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe("write", () => {
  it("creates a new file and its parent folders", async () => {
    const out = await fx.call(writeTool, { file_path: "deep/er/a.ts", content: "one\ntwo\n" });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe("Created deep/er/a.ts (2 lines).");
    expect(await readFile(fx.path("deep/er/a.ts"), "utf8")).toBe("one\ntwo\n");
    const display = out.display as DiffDisplay;
    expect(display).toMatchObject({ type: "diff", path: "deep/er/a.ts", added: 2, removed: 0 });
    expect(display.unifiedDiff).toContain(
      "--- /dev/null\n+++ deep/er/a.ts\n@@ -0,0 +1,2 @@\n+one\n+two\n",
    );
  });

  it("refuses to overwrite a file that was not read", async () => {
    await writeFile(fx.path("a.txt"), "original\n");
    const out = await fx.call(writeTool, { file_path: "a.txt", content: "new\n" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("a.txt has not been read in this session. Read it first");
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("original\n");
  });

  it("overwrites a file after it was read, and may write it again without another read", async () => {
    await writeFile(fx.path("a.txt"), "original\n");
    await fx.call(readTool, { file_path: "a.txt" });
    const out = await fx.call(writeTool, { file_path: "a.txt", content: "new\n" });
    expect(out.content).toBe("Updated a.txt (1 line).");
    expect((out.display as DiffDisplay).unifiedDiff).toContain("-original\n+new\n");
    expect(fx.session.files.lastRead(fx.path("a.txt"))).toMatchObject({
      sha256: sha256("new\n"),
      partial: false,
    });
    const again = await fx.call(writeTool, { file_path: "a.txt", content: "newer\n" });
    expect(again.isError).toBeFalsy();
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("newer\n");
  });

  it("refuses when the file changed since it was read, but not when only its mtime moved", async () => {
    await writeFile(fx.path("a.txt"), "original\n");
    await fx.call(readTool, { file_path: "a.txt" });
    const later = new Date(Date.now() + 60_000);
    await utimes(fx.path("a.txt"), later, later);
    expect(
      (await fx.call(writeTool, { file_path: "a.txt", content: "mine\n" })).isError,
    ).toBeFalsy();

    await writeFile(fx.path("a.txt"), "someone else\n");
    const out = await fx.call(writeTool, { file_path: "a.txt", content: "again\n" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("a.txt changed since it was read");
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("someone else\n");
  });

  it("accepts a partial read before overwriting", async () => {
    await writeFile(fx.path("a.txt"), "1\n2\n3\n");
    await fx.call(readTool, { file_path: "a.txt", limit: 1 });
    expect((await fx.call(writeTool, { file_path: "a.txt", content: "x\n" })).isError).toBeFalsy();
  });

  it("keeps the permission bits, CRLF line endings and BOM of the file it replaces", async () => {
    await writeFile(fx.path("run.sh"), "\ufeffecho 1\r\necho 2\r\n");
    await chmod(fx.path("run.sh"), 0o751);
    await fx.call(readTool, { file_path: "run.sh" });
    await fx.call(writeTool, { file_path: "run.sh", content: "echo 3\necho 4\n" });
    expect(await readFile(fx.path("run.sh"), "utf8")).toBe("\ufeffecho 3\r\necho 4\r\n");
    expect((await stat(fx.path("run.sh"))).mode & 0o777).toBe(0o751);
  });

  it("keeps a UTF-16 LE file UTF-16 LE", async () => {
    const utf16 = (s: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
    await writeFile(fx.path("a.txt"), utf16("old\n"));
    await fx.call(readTool, { file_path: "a.txt" });
    await fx.call(writeTool, { file_path: "a.txt", content: "névé\n" });
    expect(await readFile(fx.path("a.txt"))).toEqual(utf16("névé\n"));
  });

  it("writes the content exactly as given to a new file", async () => {
    await fx.call(writeTool, { file_path: "a.txt", content: "a\r\nb\nno newline ✓" });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("a\r\nb\nno newline ✓");
  });

  it("leaves no temp files behind", async () => {
    await writeFile(fx.path("a.txt"), "x\n");
    await fx.call(readTool, { file_path: "a.txt" });
    await fx.call(writeTool, { file_path: "a.txt", content: "y\n" });
    await fx.call(writeTool, { file_path: "b.txt", content: "z\n" });
    expect((await readdir(fx.root)).sort()).toEqual(["a.txt", "b.txt"]);
  });

  it("writes through a symlink to its target and keeps the link", async () => {
    await mkdir(fx.path("real"));
    await writeFile(fx.path("real/a.txt"), "old\n");
    await symlink("real/a.txt", fx.path("link.txt"));
    await fx.call(readTool, { file_path: "link.txt" });
    const out = await fx.call(writeTool, { file_path: "link.txt", content: "new\n" });
    expect(out.isError).toBeFalsy();
    expect((await lstat(fx.path("link.txt"))).isSymbolicLink()).toBe(true);
    expect(await readFile(fx.path("real/a.txt"), "utf8")).toBe("new\n");
    expect(fx.session.files.lastRead(fx.path("real/a.txt"))?.sha256).toBe(sha256("new\n"));
  });

  it("refuses a directory path", async () => {
    await mkdir(fx.path("src"));
    const out = await fx.call(writeTool, { file_path: "src", content: "x" });
    expect(out).toEqual({ isError: true, content: "src is a directory; give a file path." });
  });

  it("reports a file system failure as an error result", async () => {
    await writeFile(fx.path("blocker"), "a file, not a folder");
    const out = await fx.call(writeTool, { file_path: "blocker/a.txt", content: "x" });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toMatch(/^Could not write blocker\/a\.txt: /);
  });

  it("does not touch a file whose content would not change", async () => {
    await writeFile(fx.path("a.txt"), "same\n");
    const before = (await stat(fx.path("a.txt"))).mtimeMs;
    await fx.call(readTool, { file_path: "a.txt" });
    const out = await fx.call(writeTool, { file_path: "a.txt", content: "same\n" });
    expect(out.content).toBe("a.txt already has this content; nothing was written.");
    expect((await stat(fx.path("a.txt"))).mtimeMs).toBe(before);
  });

  it("describes its access as a write of the path and is not read-only", () => {
    expect(writeTool.readOnly).toBe(false);
    expect(writeTool.describeAccess({ file_path: "a", content: "" })).toEqual({
      kind: "write",
      paths: ["a"],
    });
  });
  it("keeps a Windows-1252 file in that encoding, and refuses characters it cannot hold", async () => {
    // ASCII for 10 KB (what the binary sniff sees), then a Latin-1 "é".
    const head = "x".repeat(10_000) + "\n";
    await writeFile(fx.path("old.txt"), Buffer.from(`${head}caf\xe9\n`, "latin1"));
    expect(textOf(await fx.call(readTool, { file_path: "old.txt" }))).toContain("Windows-1252");
    const out = await fx.call(writeTool, { file_path: "old.txt", content: "déjà vu – “ok”\n" });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("old.txt"))).toEqual(
      Buffer.from([
        ...Buffer.from("d\xe9j\xe0 vu ", "latin1"),
        0x96,
        0x20,
        0x93,
        0x6f,
        0x6b,
        0x94,
        0x0a,
      ]),
    );
    const refused = await fx.call(writeTool, { file_path: "old.txt", content: "日本\n" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain(
      'old.txt is Windows-1252 (Latin-1) text, which cannot hold "日"',
    );
    expect((await readFile(fx.path("old.txt")))[0]).toBe(0x64);
  });

  it("says a binary file it was not shown must be deleted first, instead of asking for a Read", async () => {
    // Read refuses to show this file, so "read it first" would send the model in a circle.
    const blob = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);
    await writeFile(fx.path("tool.bin"), blob);
    expect((await fx.call(readTool, { file_path: "tool.bin" })).isError).toBe(true);
    const out = await fx.call(writeTool, { file_path: "tool.bin", content: "text\n" });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toBe(
      "tool.bin is not text Write can preserve (it is a binary file, which Read does not show). To replace it entirely, delete it first (Bash: rm) and Write it again; to change its encoding, use Bash (iconv).",
    );
    expect(await readFile(fx.path("tool.bin"))).toEqual(blob);
    // A text file that was not read still gets the usual answer.
    await writeFile(fx.path("plain.txt"), "text\n");
    const plain = await fx.call(writeTool, { file_path: "plain.txt", content: "new\n" });
    expect(textOf(plain)).toContain("plain.txt has not been read in this session. Read it first");
  });

  it("flags a file that turns out not to be UTF-8 late, and refuses to overwrite it", async () => {
    // UTF-8 for 10 KB, then a Latin-1 "é": the binary sniff of the first 8 KB passes.
    const latin1 = Buffer.concat([
      Buffer.from("é" + "x".repeat(10_000) + "\ncaf"),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    await writeFile(fx.path("old.txt"), latin1);
    const read = await fx.call(readTool, { file_path: "old.txt" });
    expect(textOf(read)).toContain("is not valid UTF-8");
    const out = await fx.call(writeTool, { file_path: "old.txt", content: "replaced\n" });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toContain("not text Write can preserve");
    expect((await readFile(fx.path("old.txt"))).equals(latin1)).toBe(true);
  });
});
