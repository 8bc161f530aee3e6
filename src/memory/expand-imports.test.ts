import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFixture, type MemoryFixture } from "./memory-fixture.ts";

let fx: MemoryFixture;
beforeEach(async () => {
  fx = await createMemoryFixture();
});
afterEach(async () => {
  await fx.dispose();
});

async function rootContent(): Promise<{ content: string; imports: string[]; warnings: string[] }> {
  const memory = await fx.load();
  const file = memory.files.find((f) => f.path === join(fx.repo, "AGENTS.md"));
  return { content: file?.content ?? "", imports: file?.imports ?? [], warnings: memory.warnings };
}

describe("memory imports", () => {
  it("appends relative, ~/ and absolute imports after the importing file, under headers", async () => {
    // `~/` goes in CLAUDE.local.md: only personal files may import from outside the repository.
    await fx.write({
      "repo/AGENTS.md": `Style: see @docs/style.md.\nShared: @${join(fx.repo, "shared.md")}`,
      "repo/CLAUDE.local.md": "Mine: @~/notes.md",
      "repo/docs/style.md": "Two spaces.",
      "repo/shared.md": "Absolute.",
      "home/notes.md": "Personal.",
    });
    const memory = await fx.load();
    expect(memory.warnings).toEqual([]);
    expect(memory.files.map((f) => f.content)).toEqual([
      [
        "Style: see @docs/style.md.",
        `Shared: @${join(fx.repo, "shared.md")}`,
        "",
        "Contents of docs/style.md (imported by AGENTS.md):",
        "",
        "Two spaces.",
        "",
        "Contents of shared.md (imported by AGENTS.md):",
        "",
        "Absolute.",
      ].join("\n"),
      [
        "Mine: @~/notes.md",
        "",
        "Contents of ~/notes.md (imported by CLAUDE.local.md):",
        "",
        "Personal.",
      ].join("\n"),
    ]);
    expect(memory.files[0]?.imports).toEqual([
      join(fx.repo, "docs/style.md"),
      join(fx.repo, "shared.md"),
    ]);
    expect(memory.files[1]?.imports).toEqual([join(fx.home, "notes.md")]);
  });

  it("resolves a relative import against the folder of the importing file, nested imports too", async () => {
    await fx.write({
      "repo/AGENTS.md": "@docs/a.md",
      "repo/docs/a.md": "A @b.md",
      "repo/docs/b.md": "B",
    });
    const { content, warnings } = await rootContent();
    expect(warnings).toEqual([]);
    expect(content).toContain("Contents of docs/b.md (imported by docs/a.md):\n\nB");
  });

  it("does not expand references in code spans, fenced blocks or email addresses", async () => {
    await fx.write({
      "repo/AGENTS.md": [
        "Run `npm i @x.md` first; ``double @x.md`` too.",
        "```",
        "@x.md",
        "```",
        "~~~",
        "@x.md",
        "~~~",
        "Mail me at someone@x.md or @x.md",
      ].join("\n"),
      "repo/x.md": "X",
    });
    const { content, imports } = await rootContent();
    expect(imports).toEqual([join(fx.repo, "x.md")]);
    expect(content.match(/Contents of x\.md/g)).toHaveLength(1);
  });

  it("does not expand a reference that only looks like a code span's neighbour", async () => {
    await fx.write({ "repo/AGENTS.md": "Unclosed ` then @x.md", "repo/x.md": "X" });
    expect((await rootContent()).imports).toEqual([join(fx.repo, "x.md")]);
  });

  it("includes an import once, even when several files import it or it is a memory file", async () => {
    await fx.write({
      "repo/AGENTS.md": "Agents @common.md",
      "repo/CLAUDE.md": "@AGENTS.md and @common.md",
      "repo/common.md": "Common",
    });
    const memory = await fx.load();
    expect(memory.warnings).toEqual([]);
    expect(memory.files.map((f) => f.content)).toEqual([
      "Agents @common.md\n\nContents of common.md (imported by AGENTS.md):\n\nCommon",
      "@AGENTS.md and @common.md",
    ]);
  });

  it("expands imports 5 deep and refuses the 6th with a warning", async () => {
    const files: Record<string, string> = { "repo/AGENTS.md": "@f1.md" };
    for (let i = 1; i <= 6; i++) files[`repo/f${i}.md`] = `level ${i} @f${i + 1}.md`;
    files["repo/f7.md"] = "level 7";
    await fx.write(files);
    const { content, imports, warnings } = await rootContent();
    expect(imports.map((p) => p.slice(fx.repo.length + 1))).toEqual([
      "f1.md",
      "f2.md",
      "f3.md",
      "f4.md",
      "f5.md",
    ]);
    expect(content).toContain("level 5 @f6.md");
    expect(content).not.toContain("level 6");
    expect(warnings).toEqual(["memory: f5.md:1: @f6.md: more than 5 imports deep; not expanded"]);
  });

  it("stops an import cycle with a warning naming the chain", async () => {
    await fx.write({ "repo/AGENTS.md": "@a.md", "repo/a.md": "A @b.md", "repo/b.md": "B\n@a.md" });
    const { content, imports, warnings } = await rootContent();
    expect(imports).toEqual([join(fx.repo, "a.md"), join(fx.repo, "b.md")]);
    expect(content.match(/Contents of a\.md/g)).toHaveLength(1);
    expect(warnings).toEqual([
      "memory: b.md:2: @a.md: import cycle (a.md → b.md → a.md); not expanded again",
    ]);
  });

  it("stops a self-import with a warning", async () => {
    await fx.write({ "repo/AGENTS.md": "Me: @./AGENTS.md" });
    const { content, imports, warnings } = await rootContent();
    expect(content).toBe("Me: @./AGENTS.md");
    expect(imports).toEqual([]);
    expect(warnings).toEqual([
      "memory: AGENTS.md:1: @./AGENTS.md: import cycle (AGENTS.md → AGENTS.md); not expanded again",
    ]);
  });

  it("leaves a missing import as text with a warning naming file and line", async () => {
    await fx.write({ "repo/AGENTS.md": "One\nTwo\nSee @docs/gone.md, thanks. Ping @alice." });
    const { content, warnings } = await rootContent();
    expect(content).toBe("One\nTwo\nSee @docs/gone.md, thanks. Ping @alice.");
    // `@alice` names no file and has no dot or slash: a mention, not an import, so no warning.
    expect(warnings).toEqual(["memory: AGENTS.md:3: @docs/gone.md: no such file; left as text"]);
  });

  it("counts lines as written, before comments are dropped", async () => {
    await fx.write({ "repo/AGENTS.md": "<!--\nnote\n-->\n@missing.md" });
    expect((await rootContent()).warnings).toEqual([
      "memory: AGENTS.md:4: @missing.md: no such file; left as text",
    ]);
  });

  it("does not import a reference inside an HTML comment", async () => {
    await fx.write({ "repo/AGENTS.md": "<!-- @x.md -->\nText", "repo/x.md": "X" });
    const { content, imports } = await rootContent();
    expect(content).toBe("Text");
    expect(imports).toEqual([]);
  });

  it("refuses binary, oversized and folder imports with a warning", async () => {
    await fx.write({
      "repo/AGENTS.md": "@bin.dat @big.md @docs",
      "repo/bin.dat": Buffer.from([1, 2, 0, 3]),
      "repo/big.md": "y".repeat(2000),
      "repo/docs/readme.md": "in a folder",
    });
    const { imports, warnings } = await rootContent();
    const small = await fx.load({ maxFileBytes: 1024 });
    expect(imports).toEqual([join(fx.repo, "big.md")]); // under the default cap
    expect(warnings).toEqual([
      "memory: AGENTS.md:1: @bin.dat: not imported: it looks binary",
      "memory: AGENTS.md:1: @docs: not imported: it is a folder",
    ]);
    expect(small.warnings).toContain(
      "memory: AGENTS.md:1: @big.md: not imported: it is larger than 1 KiB",
    );
    expect(small.files[0]?.imports).toEqual([]);
  });

  it("does not let a repository's shared files import from outside it", async () => {
    await fx.write({
      "home/.ssh/id_rsa": "SECRET",
      "repo/AGENTS.md": "@~/.ssh/id_rsa",
      "repo/CLAUDE.md": "@../home/.ssh/id_rsa",
    });
    await symlink(join(fx.home, ".ssh"), join(fx.repo, "keys"));
    await fx.write({ "repo/.claude/CLAUDE.md": "@../keys/id_rsa" });
    const memory = await fx.load();
    expect(memory.files.map((f) => f.content).join("\n")).not.toContain("SECRET");
    const rule = "not imported: it lies outside the repository";
    expect(memory.warnings).toHaveLength(3);
    for (const warning of memory.warnings) expect(warning).toContain(rule);
  });

  it("lets user files import from anywhere", async () => {
    await fx.write({ "home/.claude/CLAUDE.md": "@~/rules/go.md", "home/rules/go.md": "gofmt" });
    const memory = await fx.load();
    expect(memory.warnings).toEqual([]);
    expect(memory.files[0]?.content).toContain(
      "Contents of ~/rules/go.md (imported by ~/.claude/CLAUDE.md):\n\ngofmt",
    );
  });
});
