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
import { LEGACY_SAMPLES } from "./legacy-text-fixtures.ts";
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
  it.each(LEGACY_SAMPLES.map((sample) => [sample.label, sample] as const))(
    "refuses to overwrite %s text it has shown, and leaves its bytes as they were",
    async (label, sample) => {
      expect(new TextDecoder(label).decode(sample.bytes)).toBe(sample.text);
      await writeFile(fx.path(sample.name), sample.bytes);
      expect((await fx.call(readTool, { file_path: sample.name })).isError).toBeFalsy();
      const out = await fx.call(writeTool, { file_path: sample.name, content: "DIR=D:/x\n" });
      expect(out.isError).toBe(true);
      const path = sample.name;
      expect(textOf(out)).toBe(
        `${path} is not text Write can preserve (it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251)); nothing was written. Find its encoding with \`file -i ${path}\`, convert it with \`iconv -f <ENCODING> -t UTF-8 ${path} > ${path}.utf8 && mv ${path}.utf8 ${path}\` and Read it again, or change it with a Bash command. To replace it entirely, delete it first (Bash: rm) and Write it again.`,
      );
      expect(await readFile(fx.path(sample.name))).toEqual(sample.bytes);
    },
  );

  it("says at once that an unread file is not UTF-8, reading only its first 8 KB", async () => {
    const bytes = Buffer.concat([Buffer.from([0x95, 0x5c, 0x0a]), Buffer.alloc(20_000, 0x61)]);
    await writeFile(fx.path("sjis.txt"), bytes);
    const out = await fx.call(writeTool, { file_path: "sjis.txt", content: "x\n" });
    expect(textOf(out)).toContain("sjis.txt is not text Write can preserve (it is not valid UTF-8");
    expect(await readFile(fx.path("sjis.txt"))).toEqual(bytes);
  });

  it("says a binary file it was not shown must be deleted first, instead of asking for a Read", async () => {
    // Read refuses to show this file, so "read it first" would send the model in a circle.
    const blob = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);
    await writeFile(fx.path("tool.bin"), blob);
    expect((await fx.call(readTool, { file_path: "tool.bin" })).isError).toBe(true);
    const out = await fx.call(writeTool, { file_path: "tool.bin", content: "text\n" });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toBe(
      "tool.bin is not text Write can preserve (it is binary data, not text); nothing was written. To replace it entirely, delete it first (Bash: rm) and Write it again.",
    );
    expect(await readFile(fx.path("tool.bin"))).toEqual(blob);
    // An image Read does show, unread or read: the same answer, which does not claim otherwise.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    await writeFile(fx.path("pic.png"), png);
    const unread = textOf(await fx.call(writeTool, { file_path: "pic.png", content: "x\n" }));
    expect(unread).toBe(
      "pic.png is not text Write can preserve (it is binary data, not text); nothing was written. To replace it entirely, delete it first (Bash: rm) and Write it again.",
    );
    expect((await fx.call(readTool, { file_path: "pic.png" })).isError).toBeFalsy();
    const read = textOf(await fx.call(writeTool, { file_path: "pic.png", content: "x\n" }));
    expect(read).toBe(unread);
    expect(await readFile(fx.path("pic.png"))).toEqual(png);
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
