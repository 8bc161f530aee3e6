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
import { editTool } from "./edit.ts";
import { sha256 } from "./file-ledger.ts";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { LEGACY_SAMPLES } from "./legacy-text-fixtures.ts";
import { readTool } from "./read.ts";

let fx: FileToolsFixture;
beforeEach(async () => {
  fx = await createFileToolsFixture();
});
afterEach(async () => {
  await fx.dispose();
});

/** Writes the file and reads it with the Read tool, as a model would before editing. */
async function given(name: string, content: string | Buffer): Promise<void> {
  await writeFile(fx.path(name), content);
  const out = await fx.call(readTool, { file_path: name });
  expect(out.isError).toBeFalsy();
}

const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("edit", () => {
  it("replaces a unique string and shows the edited region with line numbers", async () => {
    await given("a.ts", numbered(20));
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "line 10\n",
      new_string: "line ten\n",
    });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe(
      [
        "Edited a.ts (1 replacement). The changed lines now read:",
        "     7\tline 7",
        "     8\tline 8",
        "     9\tline 9",
        "    10\tline ten",
        "    11\tline 11",
        "    12\tline 12",
        "    13\tline 13",
      ].join("\n"),
    );
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe(
      numbered(20).replace("line 10\n", "line ten\n"),
    );
    const display = out.display as DiffDisplay;
    expect(display).toMatchObject({ type: "diff", path: "a.ts", added: 1, removed: 1 });
    expect(display.unifiedDiff).toContain(
      "@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n",
    );
  });

  it("refuses an old_string that matches more than once, naming the lines", async () => {
    await given("src.ts", "let a = 1;\nfoo();\nfoo();\nx\nfoo();\n");
    const out = await fx.call(editTool, {
      file_path: "src.ts",
      old_string: "foo();",
      new_string: "bar();",
    });
    expect(out).toEqual({
      isError: true,
      content:
        "old_string appears 3 times in src.ts (lines 2, 3, 5); add surrounding lines to make it unique, or set replace_all to change every occurrence.",
    });
    expect(await readFile(fx.path("src.ts"), "utf8")).toBe(
      "let a = 1;\nfoo();\nfoo();\nx\nfoo();\n",
    );
  });

  it("replaces every occurrence with replace_all", async () => {
    await given("a.ts", "foo foo\nfoo\n");
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "foo",
      new_string: "bar",
      replace_all: true,
    });
    expect(textOf(out)).toMatch(/^Edited a\.ts \(3 replacements\)\./);
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe("bar bar\nbar\n");
  });

  it("inserts replacement text literally, $ patterns included", async () => {
    await given("a.ts", "price\n");
    await fx.call(editTool, { file_path: "a.ts", old_string: "price", new_string: "$& $1 $$" });
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe("$& $1 $$\n");
  });

  it("says when old_string is not found, with a whitespace hint when it nearly matches", async () => {
    await given("a.py", "def f():\n\treturn 1\n");
    const plain = await fx.call(editTool, {
      file_path: "a.py",
      old_string: "return 2",
      new_string: "x",
    });
    expect(plain).toEqual({
      isError: true,
      content:
        "old_string was not found in a.py. Read the file again and copy the text to replace exactly, including indentation.",
    });
    const spaces = await fx.call(editTool, {
      file_path: "a.py",
      old_string: "def f():\n    return 1",
      new_string: "x",
    });
    expect(spaces.isError).toBe(true);
    expect(spaces.content).toContain(
      "old_string was not found in a.py. It would match if whitespace",
    );
    const prefixed = await fx.call(editTool, {
      file_path: "a.py",
      old_string: "     2\t\treturn 1",
      new_string: "x",
    });
    expect(prefixed.content).toContain("line-number prefixes");
  });

  it("refuses a no-op edit", async () => {
    await given("a.ts", "same\n");
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "same",
      new_string: "same",
    });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("old_string and new_string are identical");
  });

  it("refuses an empty old_string on a file with content, and creates a missing file with one", async () => {
    await given("a.ts", "content\n");
    const out = await fx.call(editTool, { file_path: "a.ts", old_string: "", new_string: "x" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("old_string is empty, but a.ts already has content. Use Write");

    const created = await fx.call(editTool, {
      file_path: "new/b.ts",
      old_string: "",
      new_string: "hello\n",
    });
    expect(created.content).toBe("Created new/b.ts (1 line).");
    expect(await readFile(fx.path("new/b.ts"), "utf8")).toBe("hello\n");
  });

  it("reports a missing file with near names", async () => {
    await writeFile(fx.path("Main.ts"), "x\n");
    const out = await fx.call(editTool, { file_path: "main.ts", old_string: "x", new_string: "y" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("main.ts does not exist. Did you mean Main.ts?");
  });

  it("requires the file to have been read", async () => {
    await writeFile(fx.path("a.ts"), "x\n");
    const out = await fx.call(editTool, { file_path: "a.ts", old_string: "x", new_string: "y" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("a.ts has not been read in this session");
  });

  it("accepts a ranged read (offset/limit) of a small file, as Claude Code does", async () => {
    await writeFile(fx.path("a.ts"), numbered(30));
    await fx.call(readTool, { file_path: "a.ts", offset: 5, limit: 3 });
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "line 6\n",
      new_string: "six\n",
    });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe(numbered(30).replace("line 6\n", "six\n"));
  });

  it("accepts a partial read of a file too big for one read", async () => {
    await writeFile(fx.path("a.ts"), numbered(3000));
    await fx.call(readTool, { file_path: "a.ts", offset: 2500, limit: 10 });
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "line 2505\n",
      new_string: "x\n",
    });
    expect(out.isError).toBeFalsy();
  });

  it("refuses when the file changed since it was read, but not when only its mtime moved", async () => {
    await given("a.ts", "alpha\nbeta\n");
    const later = new Date(Date.now() + 60_000);
    await utimes(fx.path("a.ts"), later, later);
    expect(
      (await fx.call(editTool, { file_path: "a.ts", old_string: "alpha", new_string: "ALPHA" }))
        .isError,
    ).toBeFalsy();

    await writeFile(fx.path("a.ts"), "ALPHA\nbeta\ngamma\n");
    const out = await fx.call(editTool, {
      file_path: "a.ts",
      old_string: "beta",
      new_string: "BETA",
    });
    expect(out.isError).toBe(true);
    expect(out.content).toContain(
      "a.ts changed since it was read (by the user or another program). Read it again",
    );
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe("ALPHA\nbeta\ngamma\n");
  });

  it("keeps CRLF line endings when the model writes LF", async () => {
    await given("a.txt", "one\r\ntwo\r\nthree\r\n");
    const out = await fx.call(editTool, {
      file_path: "a.txt",
      old_string: "one\ntwo",
      new_string: "1\n2\n2.5",
    });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("1\r\n2\r\n2.5\r\nthree\r\n");
  });

  it("edits an LF region of a mixed file with LF", async () => {
    await given("a.txt", "a\r\nb\r\nc\r\nx\ny\n");
    await fx.call(editTool, { file_path: "a.txt", old_string: "x\ny", new_string: "x\nz\ny" });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("a\r\nb\r\nc\r\nx\nz\ny\n");
  });

  it("keeps a UTF-8 BOM and unicode text", async () => {
    await given("a.txt", "\ufeffnaïve café 😀\n");
    await fx.call(editTool, { file_path: "a.txt", old_string: "café 😀", new_string: "thé 🍵" });
    const bytes = await readFile(fx.path("a.txt"));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString("utf8")).toBe("\ufeffnaïve thé 🍵\n");
  });

  it("keeps the absence of a final newline", async () => {
    await given("a.txt", "one\ntwo");
    await fx.call(editTool, { file_path: "a.txt", old_string: "two", new_string: "two\nthree\n" });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("one\ntwo\nthree");
  });

  it("keeps the final newline when the edit at the end drops it", async () => {
    await given("a.txt", "one\ntwo\n");
    await fx.call(editTool, { file_path: "a.txt", old_string: "two\n", new_string: "2" });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("one\n2\n");
  });

  it("edits UTF-16 LE files and keeps them UTF-16 LE with their BOM", async () => {
    const utf16 = (s: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
    await given("a.txt", utf16("Grüße\r\nWelt\r\n"));
    const out = await fx.call(editTool, {
      file_path: "a.txt",
      old_string: "Welt",
      new_string: "Mond",
    });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("a.txt"))).toEqual(utf16("Grüße\r\nMond\r\n"));
  });

  it("refuses to edit a file that is not valid UTF-8", async () => {
    // UTF-8 ("é") for the 8 KB Read looks at, then a Latin-1 byte: Read shows it, Edit must not
    // mangle it (decoding it all as Windows-1252 would turn the UTF-8 "é" into "Ã©").
    await given(
      "a.txt",
      Buffer.concat([Buffer.from(`é${"a".repeat(9000)}\nok\n`), Buffer.from([0xe9, 0x0a])]),
    );
    const out = await fx.call(editTool, { file_path: "a.txt", old_string: "ok", new_string: "ko" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("a.txt cannot be edited safely: it is not valid UTF-8 text");
    expect(out.content).toContain("nothing was written. Find its encoding with `file -i a.txt`");
  });

  it.each(LEGACY_SAMPLES.map((sample) => [sample.label, sample] as const))(
    "refuses to edit %s text (an ASCII edit could split a character), leaving its bytes as they were",
    async (label, sample) => {
      expect(new TextDecoder(label).decode(sample.bytes)).toBe(sample.text);
      await given(sample.name, sample.bytes);
      // The reviewer's case: "\\" → "/" everywhere would rewrite Shift-JIS 表 (95 5C) as 95 2F.
      const out = await fx.call(editTool, {
        file_path: sample.name,
        old_string: "\\",
        new_string: "/",
        replace_all: true,
      });
      expect(out.isError).toBe(true);
      const path = sample.name;
      expect(textOf(out)).toBe(
        `${path} cannot be edited safely: it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251); nothing was written. Find its encoding with \`file -i ${path}\`, convert it with \`iconv -f <ENCODING> -t UTF-8 ${path} > ${path}.utf8 && mv ${path}.utf8 ${path}\` and Read it again, or change it with a Bash command.`,
      );
      expect(await readFile(fx.path(sample.name))).toEqual(sample.bytes);
    },
  );

  it("quotes a path with spaces in the conversion command it suggests", async () => {
    await given("my notes.txt", Buffer.from([0x63, 0xe9, 0x0a]));
    const out = await fx.call(editTool, {
      file_path: "my notes.txt",
      old_string: "c",
      new_string: "d",
    });
    expect(textOf(out)).toContain(
      "`iconv -f <ENCODING> -t UTF-8 'my notes.txt' > 'my notes.txt'.utf8 && mv 'my notes.txt'.utf8 'my notes.txt'`",
    );
  });

  it("edits the target through a symlink and keys the ledger by the real path", async () => {
    await mkdir(fx.path("real"));
    await writeFile(fx.path("real/a.txt"), "old\n");
    await symlink("real/a.txt", fx.path("link.txt"));
    await fx.call(readTool, { file_path: "link.txt" });
    const out = await fx.call(editTool, {
      file_path: "link.txt",
      old_string: "old",
      new_string: "new",
    });
    expect(out.isError).toBeFalsy();
    expect((await lstat(fx.path("link.txt"))).isSymbolicLink()).toBe(true);
    expect(await readFile(fx.path("real/a.txt"), "utf8")).toBe("new\n");
    expect(fx.session.files.lastRead(fx.path("real/a.txt"))?.sha256).toBe(sha256("new\n"));
    expect(fx.session.files.lastRead(fx.path("link.txt"))).toBeUndefined();
  });

  it("keeps the file's mode and leaves no temp file behind", async () => {
    await given("run.sh", "echo hi\n");
    await chmod(fx.path("run.sh"), 0o700);
    await fx.call(editTool, { file_path: "run.sh", old_string: "hi", new_string: "bye" });
    expect((await stat(fx.path("run.sh"))).mode & 0o777).toBe(0o700);
    expect(await readdir(fx.root)).toEqual(["run.sh"]);
  });

  it("allows a second edit without reading again, since its own write is known", async () => {
    await given("a.txt", "a\nb\n");
    await fx.call(editTool, { file_path: "a.txt", old_string: "a", new_string: "A" });
    const out = await fx.call(editTool, { file_path: "a.txt", old_string: "b", new_string: "B" });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("A\nB\n");
  });

  it("edits a 10 MB file", async () => {
    const big =
      Array.from({ length: 200_000 }, (_, i) => `row ${i + 1} ${"-".repeat(45)}`).join("\n") + "\n";
    await writeFile(fx.path("big.txt"), big);
    // Too big for one read: a window around the change is enough.
    await fx.call(readTool, { file_path: "big.txt", offset: 123_450, limit: 10 });
    const out = await fx.call(editTool, {
      file_path: "big.txt",
      old_string: "row 123456 ",
      new_string: "ROW 123456 ",
    });
    expect(out.isError).toBeFalsy();
    expect(textOf(out)).toContain(`123456\tROW 123456 ---`);
    expect(await readFile(fx.path("big.txt"), "utf8")).toBe(
      big.replace("row 123456 ", "ROW 123456 "),
    );
  });

  it("fills an existing empty file given an empty old_string", async () => {
    await given("empty.txt", "");
    const out = await fx.call(editTool, {
      file_path: "empty.txt",
      old_string: "",
      new_string: "first\n",
    });
    expect(out.isError).toBeFalsy();
    expect(await readFile(fx.path("empty.txt"), "utf8")).toBe("first\n");
  });

  it("caps the quoted region of a large change and says how to see the rest", async () => {
    await given("a.txt", numbered(200));
    const old = numbered(150).slice("line 1\n".length);
    const out = textOf(
      await fx.call(editTool, {
        file_path: "a.txt",
        old_string: old,
        new_string: old.toUpperCase(),
      }),
    );
    expect(out).toContain("    60\tLINE 60");
    expect(out).not.toContain("LINE 61");
    expect(out).toMatch(/\[\.\.\. \d+ more lines in this region; Read the file to see them\]$/);
  });

  it("describes its access as a write of the path and is not read-only", () => {
    expect(editTool.readOnly).toBe(false);
    expect(editTool.describeAccess({ file_path: "a", old_string: "x", new_string: "y" })).toEqual({
      kind: "write",
      paths: ["a"],
    });
  });
});
