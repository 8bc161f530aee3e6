import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { lsTool } from "./ls.ts";

let fx: FileToolsFixture;

beforeEach(async () => {
  fx = await createFileToolsFixture();
});

afterEach(async () => {
  await fx.dispose();
});

async function tree(files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(fx.path(name)), { recursive: true });
    await writeFile(fx.path(name), content);
  }
}

async function ls(input: { path: string; ignore?: string[] }): Promise<string> {
  return textOf(await fx.call(lsTool, input));
}

describe("LS", () => {
  it("shows two levels, folders first, ignored folders listed but not opened, .git skipped", async () => {
    await tree({
      ".gitignore": "node_modules/\n*.log\n",
      ".git/HEAD": "",
      ".env": "",
      "package.json": "",
      "debug.log": "",
      "node_modules/left-pad/index.js": "",
      "src/index.ts": "",
      "src/tools/glob.ts": "",
      "src/tools/deeper/x.ts": "",
      "docs/guide.md": "",
    });
    await symlink("src/index.ts", fx.path("main.ts"));
    expect(await ls({ path: "." })).toBe(
      [
        "./",
        "  docs/",
        "    guide.md",
        "  node_modules/ (ignored)",
        "  src/",
        "    tools/",
        "    index.ts",
        "  .env",
        "  .gitignore",
        "  debug.log (ignored)",
        "  main.ts -> src/index.ts",
        "  package.json",
      ].join("\n"),
    );
  });

  it("lists a sub-folder by relative or absolute path, applying ignore files from above", async () => {
    await tree({ ".gitignore": "*.tmp\n", "src/a.ts": "", "src/b.tmp": "", "src/lib/c.ts": "" });
    const expected = ["src/", "  lib/", "    c.ts", "  a.ts", "  b.tmp (ignored)"].join("\n");
    expect(await ls({ path: "src" })).toBe(expected);
    expect(await ls({ path: fx.path("src") })).toBe(expected);
  });

  it("leaves out entries matching the ignore globs, by name or by relative path", async () => {
    await tree({
      "a.ts": "",
      "a.test.ts": "",
      "lib/b.ts": "",
      "lib/b.test.ts": "",
      "dist/x.js": "",
    });
    expect(await ls({ path: ".", ignore: ["*.test.ts", "dist"] })).toBe(
      ["./", "  lib/", "    b.ts", "  a.ts"].join("\n"),
    );
    expect(await ls({ path: ".", ignore: ["lib/*.ts"] })).toContain("  lib/\n  a.test.ts");
  });

  it("caps a big sub-folder and the whole listing, saying what was left out", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`big/f${String(i).padStart(2, "0")}.txt`] = "";
    for (let i = 0; i < 1100; i++) files[`g${String(i).padStart(4, "0")}.txt`] = "";
    await tree(files);
    const lines = (await ls({ path: "." })).split("\n");
    expect(lines.slice(0, 3)).toEqual(["./", "  big/", "    f00.txt"]);
    expect(lines[51]).toBe("    f49.txt");
    expect(lines[52]).toBe("    … 30 more");
    expect(lines.length).toBeLessThanOrEqual(1003);
    expect(lines.at(-1)).toMatch(
      /^\(truncated: \d+ more entries in \.; list a sub-folder, or use Glob with a pattern\)$/,
    );
  });

  it("says so for an empty folder, a file and a missing path", async () => {
    await mkdir(fx.path("empty"));
    await tree({ "a.txt": "" });
    expect(await ls({ path: "empty" })).toBe("empty/\n  (empty)");
    const file = await fx.call(lsTool, { path: "a.txt" });
    expect(file.isError).toBe(true);
    expect(textOf(file)).toBe("a.txt is a file, not a folder. Use Read to see its content.");
    const missing = await fx.call(lsTool, { path: "nope" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("nope does not exist");
  });

  it("is read-only and describes access as a read of the folder", () => {
    expect(lsTool.readOnly).toBe(true);
    expect(lsTool.describeAccess({ path: "src" })).toEqual({ kind: "read", paths: ["src"] });
  });
});
