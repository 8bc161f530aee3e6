import { describe, expect, it } from "vitest";
import { parsePatch, patchPaths, type PatchOperation } from "./patch-parse.ts";

function operations(text: string): PatchOperation[] {
  const parsed = parsePatch(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.operations;
}

function failure(text: string): string {
  const parsed = parsePatch(text);
  if (parsed.ok) throw new Error("expected the patch to be rejected");
  return parsed.error;
}

describe("patch-parse", () => {
  it("reads add, delete and update operations in order", () => {
    const ops = operations(
      [
        "*** Begin Patch",
        "*** Add File: docs/new.md",
        "+# Title",
        "+",
        "+body",
        "*** Delete File: old.txt",
        "*** Update File: src/a.ts",
        "@@ function main() {",
        " const a = 1;",
        "-const b = 2;",
        "+const b = 3;",
        "*** End Patch",
      ].join("\n"),
    );
    expect(ops).toEqual([
      { type: "add", path: "docs/new.md", content: "# Title\n\nbody\n", patchLine: 2 },
      { type: "delete", path: "old.txt", patchLine: 6 },
      {
        type: "update",
        path: "src/a.ts",
        hunks: [
          {
            anchors: ["function main() {"],
            lines: [
              { kind: " ", text: "const a = 1;" },
              { kind: "-", text: "const b = 2;" },
              { kind: "+", text: "const b = 3;" },
            ],
            endOfFile: false,
            patchLine: 8,
          },
        ],
        patchLine: 7,
      },
    ]);
  });

  it("reads a move, several hunks, stacked @@ headers and an End of File marker", () => {
    const [op] = operations(
      [
        "*** Begin Patch",
        "*** Update File: a.py",
        "*** Move to: b.py",
        "@@ class A",
        "@@     def f(self):",
        "-        pass",
        "+        return 1",
        "@@",
        " x = 1",
        "+y = 2",
        "*** End of File",
        "*** End Patch",
      ].join("\n"),
    );
    expect(op).toMatchObject({ type: "update", path: "a.py", moveTo: "b.py" });
    if (op?.type !== "update") throw new Error("expected an update");
    expect(op.hunks.map((hunk) => [hunk.anchors, hunk.lines.length, hunk.endOfFile])).toEqual([
      [["class A", "def f(self):"], 2, false],
      [[], 2, true],
    ]);
  });

  it("accepts a first hunk without @@, CRLF patch text, a heredoc wrapper and unified range headers", () => {
    const ops = operations(
      [
        "<<'EOF'",
        "*** Begin Patch",
        "*** Update File: a.txt",
        " one",
        "-two",
        "+2",
        "@@ -10,3 +10,3 @@",
        " nine",
        "-ten",
        "+10",
        "*** End Patch",
        "EOF",
      ].join("\r\n"),
    );
    const [op] = ops;
    if (op?.type !== "update") throw new Error("expected an update");
    expect(op.hunks).toHaveLength(2);
    expect(op.hunks[1]?.anchors).toEqual([]);
    expect(op.hunks[0]?.lines[0]).toEqual({ kind: " ", text: "one" });
  });

  it("takes a bare empty line inside a hunk as an empty context line, and drops blank lines between hunks", () => {
    const [op] = operations(
      [
        "*** Begin Patch",
        "*** Update File: a.txt",
        "@@",
        " a",
        "",
        "-b",
        "",
        "@@",
        "-c",
        "",
        "*** End Patch",
      ].join("\n"),
    );
    if (op?.type !== "update") throw new Error("expected an update");
    expect(op.hunks.map((hunk) => hunk.lines.map((line) => line.kind + line.text))).toEqual([
      [" a", " ", "-b"],
      ["-c"],
    ]);
  });

  it('accepts unified diff\'s "\\ No newline at end of file" marker', () => {
    const ops = operations(
      [
        "*** Begin Patch",
        "*** Add File: a.txt",
        "+one",
        "+two",
        "\\ No newline at end of file",
        "*** Update File: b.txt",
        "@@",
        "-old",
        "\\ No newline at end of file",
        "+new",
        "*** End Patch",
      ].join("\n"),
    );
    expect(ops[0]).toMatchObject({ type: "add", content: "one\ntwo" });
    const update = ops[1];
    if (update?.type !== "update") throw new Error("expected an update");
    expect(update.hunks[0]?.lines).toEqual([
      { kind: "-", text: "old" },
      { kind: "+", text: "new" },
    ]);
    // Not acted on in an update, but kept so apply_patch can say so.
    expect(update.ignoredNoNewline).toBe(9);
  });

  it("rejects a patch without its envelope", () => {
    expect(failure("*** Update File: a\n-x\n+y\n")).toMatch(
      /must start with the line "\*\*\* Begin Patch"/,
    );
    expect(failure("*** Begin Patch\n*** Update File: a\n-x\n+y\n")).toMatch(
      /must end with the line "\*\*\* End Patch"/,
    );
  });

  it("names the line of a malformed hunk or add body", () => {
    expect(
      failure("*** Begin Patch\n*** Update File: a.txt\n@@\n-x\nstray line\n*** End Patch"),
    ).toMatch(
      /Patch line 5: .*must start with " " \(context\), "-" \(remove\) or "\+" \(add\); got: "stray line"/,
    );
    expect(failure("*** Begin Patch\n*** Add File: a.txt\n+ok\noops\n*** End Patch")).toMatch(
      /Patch line 4: in "\*\*\* Add File: a.txt", every line must start with "\+"/,
    );
    expect(failure("*** Begin Patch\n*** Update File: a.txt\n*** End Patch")).toMatch(
      /has no hunks/,
    );
    expect(failure("*** Begin Patch\n*** Frobnicate File: a.txt\n*** End Patch")).toMatch(
      /Patch line 2: expected a file header/,
    );
    expect(failure("*** Begin Patch\n*** End Patch")).toMatch(/no file operations/);
  });

  it("accepts a rename without hunks", () => {
    expect(
      operations("*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n*** End Patch"),
    ).toEqual([{ type: "update", path: "a.txt", moveTo: "b.txt", hunks: [], patchLine: 2 }]);
  });

  it("finds every path a patch names, even when it does not parse", () => {
    const text = [
      "*** Begin Patch",
      "*** Add File: a.txt",
      "+x",
      "*** Update File: /abs/b.txt",
      "*** Move to: c.txt",
      "garbage",
      "*** Delete File: d.txt",
    ].join("\n");
    expect(parsePatch(text).ok).toBe(false);
    expect(patchPaths(text)).toEqual(["a.txt", "/abs/b.txt", "c.txt", "d.txt"]);
  });
});
