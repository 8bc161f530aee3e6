import { readdir, readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DiffDisplay } from "./diff-display.ts";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { LEGACY_SAMPLES } from "./legacy-text-fixtures.ts";
import { multiEditTool } from "./multi-edit.ts";
import { readTool } from "./read.ts";

let fx: FileToolsFixture;
beforeEach(async () => {
  fx = await createFileToolsFixture();
});
afterEach(async () => {
  await fx.dispose();
});

async function given(name: string, content: string | Buffer): Promise<void> {
  await writeFile(fx.path(name), content);
  expect((await fx.call(readTool, { file_path: name })).isError).toBeFalsy();
}

describe("multi-edit", () => {
  it("applies edits in order, each to the result of the previous, and writes once", async () => {
    await given("a.ts", "const a = 1;\nconst b = 2;\nlog(a, b);\n");
    const out = await fx.call(multiEditTool, {
      file_path: "a.ts",
      edits: [
        { old_string: "const a = 1;", new_string: "const alpha = 1;" },
        { old_string: "log(a, b)", new_string: "log(alpha, b)" },
        { old_string: "alpha", new_string: "first", replace_all: true },
      ],
    });
    expect(out.isError).toBeFalsy();
    expect(textOf(out)).toMatch(
      /^Applied 3 edits to a\.ts \(4 replacements\)\. The changed lines now read:\n/,
    );
    expect(textOf(out)).toContain("     1\tconst first = 1;");
    expect(await readFile(fx.path("a.ts"), "utf8")).toBe(
      "const first = 1;\nconst b = 2;\nlog(first, b);\n",
    );
    const display = out.display as DiffDisplay;
    expect(display.unifiedDiff).toContain("-const a = 1;\n+const first = 1;\n");
  });

  it("writes nothing when one edit fails, and names that edit", async () => {
    const original = Buffer.from("\ufeffone\r\ntwo\r\ntwo\r\nthree");
    await given("a.txt", original);
    const out = await fx.call(multiEditTool, {
      file_path: "a.txt",
      edits: [
        { old_string: "one", new_string: "1" },
        { old_string: "two", new_string: "2" },
        { old_string: "three", new_string: "3" },
      ],
    });
    expect(out.isError).toBe(true);
    expect(out.content).toBe(
      "Edit 2 of 3 (applied after edit 1) failed: old_string appears 2 times in a.txt (lines 2, 3); add surrounding lines to make it unique, or set replace_all to change every occurrence. Nothing was written; fix that edit and send all the edits again.",
    );
    expect(await readFile(fx.path("a.txt"))).toEqual(original);
    expect(await readdir(fx.root)).toEqual(["a.txt"]);
  });

  it("reports a failing first edit without mentioning earlier edits", async () => {
    await given("a.txt", "x\n");
    const out = await fx.call(multiEditTool, {
      file_path: "a.txt",
      edits: [{ old_string: "missing", new_string: "y" }],
    });
    expect(out.content).toBe(
      "Edit 1 of 1 failed: old_string was not found in a.txt. Read the file again and copy the text to replace exactly, including indentation. Nothing was written; fix that edit and send all the edits again.",
    );
  });

  it("keeps CRLF, the BOM and the missing final newline across several edits", async () => {
    await given("a.txt", "\ufeffa\r\nb\r\nc");
    await fx.call(multiEditTool, {
      file_path: "a.txt",
      edits: [
        { old_string: "a\nb", new_string: "A\nB\nB2" },
        { old_string: "c", new_string: "C\n" },
      ],
    });
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("\ufeffA\r\nB\r\nB2\r\nC");
  });

  it("creates a file when the first edit has an empty old_string", async () => {
    const out = await fx.call(multiEditTool, {
      file_path: "new.txt",
      edits: [
        { old_string: "", new_string: "hello\nworld\n" },
        { old_string: "world", new_string: "there" },
      ],
    });
    expect(out.content).toBe("Created new.txt (2 lines).");
    expect(await readFile(fx.path("new.txt"), "utf8")).toBe("hello\nthere\n");
  });

  it("requires the file to have been read and be unchanged since", async () => {
    await writeFile(fx.path("a.txt"), "x\n");
    const unread = await fx.call(multiEditTool, {
      file_path: "a.txt",
      edits: [{ old_string: "x", new_string: "y" }],
    });
    expect(unread.content).toContain("has not been read in this session");
    await fx.call(readTool, { file_path: "a.txt" });
    await writeFile(fx.path("a.txt"), "x\nz\n");
    const stale = await fx.call(multiEditTool, {
      file_path: "a.txt",
      edits: [{ old_string: "x", new_string: "y" }],
    });
    expect(stale.content).toContain("changed since it was read");
    expect(await readFile(fx.path("a.txt"), "utf8")).toBe("x\nz\n");
  });

  it("shows several changed regions and says how many more there are", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    await given("a.txt", text);
    const edits = [5, 20, 35, 50, 65, 80, 95].map((n) => ({
      old_string: `line ${n}\n`,
      new_string: `LINE ${n}\n`,
    }));
    const out = textOf(await fx.call(multiEditTool, { file_path: "a.txt", edits }));
    expect(out).toContain("     5\tLINE 5");
    expect(out).toContain("    65\tLINE 65");
    expect(out).not.toContain("LINE 80");
    expect(out).toContain("[2 more changed regions not shown; Read the file to see them]");
  });

  it.each(LEGACY_SAMPLES.map((sample) => [sample.label, sample] as const))(
    "refuses %s text and writes nothing",
    async (_label, sample) => {
      await given(sample.name, sample.bytes);
      const out = await fx.call(multiEditTool, {
        file_path: sample.name,
        edits: [
          { old_string: "DIR", new_string: "ROOT" },
          { old_string: "\\", new_string: "/", replace_all: true },
        ],
      });
      expect(out.isError).toBe(true);
      expect(textOf(out)).toContain(
        `${sample.name} cannot be edited safely: it is not valid UTF-8`,
      );
      expect(await readFile(fx.path(sample.name))).toEqual(sample.bytes);
    },
  );

  it("describes its access as a write of the path and is not read-only", () => {
    expect(multiEditTool.readOnly).toBe(false);
    expect(multiEditTool.describeAccess({ file_path: "a", edits: [] })).toEqual({
      kind: "write",
      paths: ["a"],
    });
  });
});
