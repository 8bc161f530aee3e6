import { execFileSync } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "./file-ledger.ts";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { readTool } from "./read.ts";

let fx: FileToolsFixture;
beforeEach(async () => {
  fx = await createFileToolsFixture();
});
afterEach(async () => {
  await fx.dispose();
});

const lines = (count: number, make = (n: number) => `line ${n}`) =>
  Array.from({ length: count }, (_, i) => make(i + 1)).join("\n") + "\n";

describe("read", () => {
  it("shows numbered lines like cat -n", async () => {
    await writeFile(fx.path("a.txt"), "first\n  second\n");
    const out = await fx.call(readTool, { file_path: "a.txt" });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe("     1\tfirst\n     2\t  second");
  });

  it("takes offset 0 as the first line", async () => {
    await writeFile(fx.path("a.txt"), lines(5));
    const out = textOf(
      await fx.call(readTool, { file_path: fx.path("a.txt"), offset: 0, limit: 2 }),
    );
    expect(out).toContain("     1\tline 1\n     2\tline 2");
    expect(out).toContain("[Showing lines 1-2 of 5. Continue with offset=3.]");
  });

  it("shows a window with offset and limit and says how to read on", async () => {
    await writeFile(fx.path("a.txt"), lines(50));
    const out = textOf(
      await fx.call(readTool, { file_path: fx.path("a.txt"), offset: 10, limit: 3 }),
    );
    expect(out).toContain("    10\tline 10\n    11\tline 11\n    12\tline 12\n");
    expect(out).not.toContain("line 13");
    expect(out).toContain("[Showing lines 10-12 of 50. Continue with offset=13.]");
  });

  it("shows the first 2000 lines by default", async () => {
    await writeFile(fx.path("a.txt"), lines(2500));
    const out = textOf(await fx.call(readTool, { file_path: "a.txt" }));
    expect(out).toContain("  2000\tline 2000");
    expect(out).not.toContain("line 2001");
    expect(out).toContain("of 2500. Continue with offset=2001.");
  });

  it("says nothing more when the window reaches the end", async () => {
    await writeFile(fx.path("a.txt"), lines(5));
    const out = textOf(await fx.call(readTool, { file_path: "a.txt", offset: 4 }));
    expect(out).toBe("     4\tline 4\n     5\tline 5");
  });

  it("cuts very long lines with a marker", async () => {
    await writeFile(fx.path("a.txt"), `short\n${"x".repeat(5000)}\n${"y".repeat(20_000)}\n`);
    const out = textOf(await fx.call(readTool, { file_path: "a.txt" }));
    expect(out).toContain(`     2\t${"x".repeat(2000)}… [line cut: 3000 more characters]`);
    expect(out).toContain(`     3\t${"y".repeat(2000)}… [line cut: 18000 more bytes]`);
    expect(out).not.toContain("x".repeat(2001));
  });

  it("caps the output size and says where to continue", async () => {
    await writeFile(
      fx.path("a.txt"),
      lines(1000, () => "z".repeat(1500)),
    );
    const out = textOf(await fx.call(readTool, { file_path: "a.txt" }));
    expect(out.length).toBeLessThan(101_000);
    expect(out).toMatch(
      /\[Showing lines 1-(\d+) of 1000 \(output capped at 99000 characters\)\. Continue with offset=\d+\.\]/,
    );
  });

  it("hides CRLF line endings and the UTF-8 BOM", async () => {
    await writeFile(fx.path("a.txt"), "\ufeffone\r\ntwo\r\n");
    const out = textOf(await fx.call(readTool, { file_path: "a.txt" }));
    expect(out).toBe("     1\tone\n     2\ttwo");
  });

  it("reads UTF-16 LE files with a BOM", async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("héllo\r\nwörld\r\n", "utf16le"),
    ]);
    await writeFile(fx.path("a.txt"), bytes);
    const out = textOf(await fx.call(readTool, { file_path: "a.txt" }));
    expect(out).toBe("     1\théllo\n     2\twörld");
  });

  it("keeps unicode intact and counts a last line without a newline", async () => {
    await writeFile(fx.path("a.txt"), "日本語\nemoji 😀 ok\nlast");
    const out = textOf(await fx.call(readTool, { file_path: "a.txt", limit: 2 }));
    expect(out).toContain("     1\t日本語\n     2\temoji 😀 ok");
    expect(out).toContain("of 3. Continue with offset=3.");
    expect(textOf(await fx.call(readTool, { file_path: "a.txt", offset: 3 }))).toBe("     3\tlast");
  });

  it("gives a notice for an empty file", async () => {
    await writeFile(fx.path("empty.txt"), "");
    const out = await fx.call(readTool, { file_path: "empty.txt" });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe("empty.txt is empty (0 bytes).");
  });

  it("gives a notice with the line count when offset is past the end", async () => {
    await writeFile(fx.path("a.txt"), lines(3));
    const out = await fx.call(readTool, { file_path: "a.txt", offset: 10 });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe(
      "a.txt has 3 lines; offset 10 is past the end. Use an offset from 1 to 3.",
    );
  });

  it("refuses a directory", async () => {
    await mkdir(fx.path("src"));
    const out = await fx.call(readTool, { file_path: "src" });
    expect(out.isError).toBe(true);
    expect(out.content).toBe("src is a directory, not a file. List it with LS or Glob.");
  });

  it("refuses a named pipe without blocking on it", async () => {
    execFileSync("mkfifo", [fx.path("pipe")]);
    const out = await fx.call(readTool, { file_path: "pipe" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("pipe is not a regular file");
  });

  it("suggests near names for a missing file", async () => {
    await mkdir(fx.path("src"));
    await writeFile(fx.path("src/Config.ts"), "");
    await writeFile(fx.path("src/index.tsx"), "");
    await writeFile(fx.path("src/unrelated.md"), "");
    const caseOff = await fx.call(readTool, { file_path: "src/config.ts" });
    expect(caseOff.isError).toBe(true);
    expect(caseOff.content).toBe("src/config.ts does not exist. Did you mean src/Config.ts?");
    const extension = textOf(await fx.call(readTool, { file_path: "src/index.ts" }));
    expect(extension).toContain("Did you mean src/index.tsx?");
    const typo = textOf(await fx.call(readTool, { file_path: "src/Confg.ts" }));
    expect(typo).toContain("Did you mean src/Config.ts?");
    const nothing = textOf(await fx.call(readTool, { file_path: "src/zzz.py" }));
    expect(nothing).toBe("src/zzz.py does not exist.");
  });

  it("names a missing folder and suggests a near one", async () => {
    await mkdir(fx.path("source"));
    const out = textOf(await fx.call(readTool, { file_path: "sorce/a.ts" }));
    expect(out).toBe(
      "sorce/a.ts does not exist (there is no folder sorce). Did you mean source/a.ts?",
    );
  });

  it("refuses binary files", async () => {
    await writeFile(fx.path("a.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const out = await fx.call(readTool, { file_path: "a.bin" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("a.bin looks like a binary file");
    // No NUL, but not UTF-8 and full of control bytes: data, not 8-bit text.
    await writeFile(fx.path("data.dat"), Buffer.from([0x81, 0x02, 0x03, 0xf4, 0x05, 0x06, 0x07]));
    expect((await fx.call(readTool, { file_path: "data.dat" })).isError).toBe(true);
  });

  it("points at pdftotext for a PDF instead of calling it binary", async () => {
    await writeFile(
      fx.path("my report.pdf"),
      Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\0\x01", "latin1"),
    );
    const out = await fx.call(readTool, { file_path: "my report.pdf" });
    expect(out.isError).toBe(true);
    expect(out.content).toBe(
      "my report.pdf is a PDF, which Read does not show. Extract its text with Bash, for example: pdftotext -layout 'my report.pdf' - | head -200",
    );
  });

  it("shows a Latin-1 file as Windows-1252 and says that this is a guess Edit and Write will not act on", async () => {
    // "café “quoted” – naïve" in Windows-1252: é, the curly quotes, the dash and ï are one byte each.
    const bytes = Buffer.from([
      ...Buffer.from("caf"),
      0xe9,
      0x20,
      0x93,
      ...Buffer.from("quoted"),
      0x94,
      0x20,
      0x96,
      ...Buffer.from(" na"),
      0xef,
      ...Buffer.from("ve\r\n"),
    ]);
    await writeFile(fx.path("legacy.txt"), bytes);
    const out = await fx.call(readTool, { file_path: "legacy.txt" });
    expect(out.isError).toBeFalsy();
    expect(textOf(out)).toBe(
      "     1\tcafé “quoted” – naïve\n\n[Note: legacy.txt is not UTF-8. It is shown as Windows-1252, a guess: the real encoding may be another (such as Shift-JIS, GBK or Windows-1251), in which case some characters above are wrong. Edit and Write will refuse this file until it is UTF-8: find its encoding with `file -i` and convert it with iconv (Bash).]",
    );
  });

  it("shows a window of a big 8-bit file decoding only its lines, with the same line numbers as sed", async () => {
    // 120 000 lines of Windows-1252 text, with a long line and a 0x80 (€) in the window.
    const body = lines(120_000, (n) =>
      n === 100_001
        ? `${"\xe9".repeat(2500)}`
        : n === 100_002
          ? "prix 5 \x80"
          : `ligne ${n} caf\xe9`,
    );
    await writeFile(fx.path("big.txt"), Buffer.from(body, "latin1"));
    const out = textOf(
      await fx.call(readTool, { file_path: "big.txt", offset: 100_000, limit: 3 }),
    );
    expect(out).toContain(
      [
        "100000\tligne 100000 café",
        `100001\t${"é".repeat(2000)}… [line cut: 500 more characters]`,
        "100002\tprix 5 €",
      ].join("\n"),
    );
    expect(out).toContain("It is shown as Windows-1252, a guess");
    expect(out).toContain("[Showing lines 100000-100002 of 120000. Continue with offset=100003.]");
  });

  it("shows Shift-JIS text with a note that does not claim it mixes in UTF-8", async () => {
    // "REM 表示を更新" and a Windows path in Shift-JIS: 表 is 95 5C, its trail byte a backslash.
    const sjis = Buffer.from([
      ...Buffer.from("REM "),
      ...[0x95, 0x5c, 0x8e, 0xa6, 0x82, 0xf0, 0x8d, 0x58, 0x90, 0x56],
      ...Buffer.from("\r\nset DIR=C:\\Users\\data\r\n"),
    ]);
    expect(new TextDecoder("shift_jis").decode(sjis)).toBe(
      "REM 表示を更新\r\nset DIR=C:\\Users\\data\r\n",
    );
    await writeFile(fx.path("run.bat"), sjis);
    const out = textOf(await fx.call(readTool, { file_path: "run.bat" }));
    expect(out).toContain("     2\tset DIR=C:\\Users\\data");
    expect(out).toContain("the real encoding may be another (such as Shift-JIS");
    expect(out).not.toContain("mixes");
  });

  it("shows a UTF-8 file with a few broken bytes as UTF-8, with a note that covers legacy text too", async () => {
    await writeFile(fx.path("mixed.txt"), Buffer.from([...Buffer.from("café "), 0xe9, 0x0a]));
    const out = textOf(await fx.call(readTool, { file_path: "mixed.txt" }));
    expect(out).toContain("     1\tcafé \ufffd");
    expect(out).toContain(
      "[Note: mixed.txt is not valid UTF-8 (it is in a legacy encoding such as Shift-JIS, or mixes UTF-8 with such bytes); bytes that do not decode as UTF-8 are shown as \ufffd. Edit and Write will refuse this file until it is UTF-8",
    );
  });

  it("does not mistake a multi-byte character cut by the sniff window for binary", async () => {
    // "é" is two bytes; put its first byte as the last byte of the 8192-byte sample.
    await writeFile(fx.path("a.txt"), `${"a".repeat(8191)}é\nmore\n`);
    const out = await fx.call(readTool, { file_path: "a.txt", offset: 2 });
    expect(out.isError).toBeFalsy();
    expect(out.content).toBe("     2\tmore");
  });

  it("returns PNG, JPEG, GIF and WebP files as image blocks", async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(20, 1),
    ]);
    await writeFile(fx.path("pic.png"), png);
    const out = await fx.call(readTool, { file_path: "pic.png" });
    expect(out.isError).toBeFalsy();
    expect(Array.isArray(out.content)).toBe(true);
    const blocks = out.content as Exclude<typeof out.content, string>;
    expect(blocks[0]).toEqual({ type: "text", text: "Image pic.png (image/png, 28 bytes)" });
    expect(blocks[1]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: png.toString("base64") },
    });
    const kinds: Array<[string, Buffer]> = [
      ["image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
      ["image/gif", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1")],
      ["image/webp", Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1")],
    ];
    for (const [mediaType, bytes] of kinds) {
      await writeFile(fx.path("pic"), bytes);
      const result = await fx.call(readTool, { file_path: "pic" });
      const image = (result.content as Exclude<typeof result.content, string>)[1];
      expect(image?.type === "image" && image.source.media_type).toBe(mediaType);
    }
  });

  it("refuses an image too big to send", async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(4 * 1024 * 1024)]);
    await writeFile(fx.path("big.jpg"), big);
    const out = await fx.call(readTool, { file_path: "big.jpg" });
    expect(out.isError).toBe(true);
    expect(out.content).toContain("big.jpg is a 4.00 MB image; images over 3.75 MB cannot be sent");
  });

  it("records the real path, mtime, size and hash of what it read", async () => {
    await mkdir(fx.path("real"));
    await writeFile(fx.path("real/a.txt"), "content\n");
    await symlink(fx.path("real/a.txt"), fx.path("link.txt"));
    const out = await fx.call(readTool, { file_path: "link.txt" });
    expect(out.content).toBe("     1\tcontent");
    expect(fx.session.files.lastRead(fx.path("link.txt"))).toBeUndefined();
    const record = fx.session.files.lastRead(fx.path("real/a.txt"));
    expect(record).toMatchObject({ size: 8, sha256: sha256("content\n"), partial: false });
    expect(record?.mtimeMs).toBeGreaterThan(0);
  });

  it("marks a windowed read partial, unless the same content was already read whole", async () => {
    await writeFile(fx.path("a.txt"), lines(10));
    await fx.call(readTool, { file_path: "a.txt", limit: 5 });
    expect(fx.session.files.lastRead(fx.path("a.txt"))?.partial).toBe(true);
    await fx.call(readTool, { file_path: "a.txt" });
    expect(fx.session.files.lastRead(fx.path("a.txt"))?.partial).toBe(false);
    await fx.call(readTool, { file_path: "a.txt", offset: 3, limit: 2 });
    expect(fx.session.files.lastRead(fx.path("a.txt"))?.partial).toBe(false);
    await writeFile(fx.path("a.txt"), lines(11));
    await fx.call(readTool, { file_path: "a.txt", offset: 3, limit: 2 });
    expect(fx.session.files.lastRead(fx.path("a.txt"))?.partial).toBe(true);
  });

  it("reads a window of a 10 MB file quickly", async () => {
    const big = lines(200_000, (n) => `${n} ${"abcdefghij".repeat(5)}`);
    expect(big.length).toBeGreaterThan(10_000_000);
    await writeFile(fx.path("big.txt"), big);
    const times: number[] = [];
    let out = "";
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      out = textOf(await fx.call(readTool, { file_path: "big.txt", offset: 150_000, limit: 100 }));
      times.push(performance.now() - started);
    }
    expect(out.startsWith(`150000\t150000 abcdefghij`)).toBe(true);
    expect(out).toContain("[Showing lines 150000-150099 of 200000. Continue with offset=150100.]");
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Infinity;
    // The target is 50 ms; the bound leaves room for a loaded CI machine.
    expect(median).toBeLessThan(150);
  });

  it("describes its access as a read of the path and is read-only", () => {
    expect(readTool.readOnly).toBe(true);
    expect(readTool.describeAccess({ file_path: "a.txt" })).toEqual({
      kind: "read",
      paths: ["a.txt"],
    });
  });

  it("leaves the file untouched", async () => {
    await writeFile(fx.path("a.txt"), "x\r\n");
    await fx.call(readTool, { file_path: "a.txt" });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("x\r\n");
  });
});
