import { describe, expect, it } from "vitest";
import { ExtensionFileError, parseFrontmatter } from "./frontmatter.ts";

describe("parseFrontmatter", () => {
  it("splits data and body and says where the body starts", () => {
    const doc = parseFrontmatter(
      "---\ndescription: Fix a bug\nallowed-tools: Bash(git:*)\n---\nDo $ARGUMENTS\n",
      "a.md",
    );
    expect(doc.data).toEqual({ description: "Fix a bug", "allowed-tools": "Bash(git:*)" });
    expect(doc.body).toBe("Do $ARGUMENTS\n");
    expect(doc.bodyLine).toBe(5);
  });

  it("takes a file without frontmatter as all body", () => {
    expect(parseFrontmatter("Just text\n", "b.md")).toEqual({
      data: {},
      body: "Just text\n",
      bodyLine: 1,
    });
  });

  it("accepts CRLF line endings and an empty block", () => {
    expect(parseFrontmatter("---\r\n---\r\nbody", "c.md")).toMatchObject({
      data: {},
      body: "body",
    });
  });

  it("names file and line of broken YAML", () => {
    const run = (): unknown =>
      parseFrontmatter("---\nname: ok\ntools: [Read\n---\nbody", "agents/x.md");
    expect(run).toThrow(ExtensionFileError);
    expect(run).toThrow(/^agents\/x\.md:\d+: invalid frontmatter/);
  });

  it("refuses an unclosed block and a non-mapping one", () => {
    expect(() => parseFrontmatter("---\nname: x\nbody", "d.md")).toThrow(
      "d.md:1: the frontmatter opened with --- is never closed",
    );
    expect(() => parseFrontmatter("---\n- a\n---\n", "e.md")).toThrow(
      "e.md:2: the frontmatter must be key: value pairs",
    );
  });
});
