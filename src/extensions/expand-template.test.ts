import { existsSync } from "node:fs";
import { mkdir, mkdtemp, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRule, type PermissionPolicy, type Rule } from "../permissions/index.ts";
import { builtinTools, createToolSession, type ToolSession } from "../tools/index.ts";
import { expandTemplate } from "./expand-template.ts";
import { createExpansionRuntime } from "./expansion-runtime.ts";

let base: string;
let root: string;
let session: ToolSession;
let policy: PermissionPolicy;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-expand-")));
  root = join(base, "repo");
  await mkdir(join(root, "src"), { recursive: true });
  await writeFile(join(root, "src/notes.md"), "remember the milk\n");
  await writeFile(join(root, "secret.env"), "TOKEN=hunter2\n");
  await writeFile(join(base, "outside.txt"), "not yours\n");
  session = createToolSession({ root, additionalDirs: [] }, { home: base });
  policy = {
    mode: "default",
    allow: [],
    ask: [],
    deny: [parseRule("Read(./secret.env)", "test", root)],
  };
});

afterEach(async () => {
  await session.dispose();
});

function expand(template: string, args = "", allow: Rule[] = [], argumentsInCommands = true) {
  const runtime = createExpansionRuntime({
    toolSession: session,
    policy: () => policy,
    bash: builtinTools("string-replace").find((tool) => tool.name === "Bash"),
    signal: new AbortController().signal,
  });
  return expandTemplate(template, args, allow, runtime, { argumentsInCommands });
}

const rule = (text: string): Rule => parseRule(text, "allowed-tools", root);

describe("expansion › @file", () => {
  it("attaches a workspace file after the text and leaves the mention in place", async () => {
    const out = await expand("Summarise @src/notes.md, then mail me at a@b.com.");
    expect(out.notes).toEqual([]);
    expect(out.text).toBe(
      'Summarise @src/notes.md, then mail me at a@b.com.\n\n<file path="src/notes.md">\nremember the milk\n</file>',
    );
  });

  it("includes a file named by an argument", async () => {
    const out = await expand("Review $1", "@src/notes.md");
    expect(out.text).toContain("remember the milk");
  });

  it("does not include a file outside the workspace, and says why", async () => {
    const out = await expand("Read @../outside.txt");
    expect(out.text).not.toContain("not yours");
    expect(out.notes).toHaveLength(1);
    expect(out.notes[0]).toContain("@../outside.txt was not included");
    expect(out.notes[0]).toContain("outside the workspace");
  });

  it("respects a Read deny rule", async () => {
    const out = await expand("Use @secret.env");
    expect(out.text).not.toContain("hunter2");
    expect(out.notes[0]).toContain("denied by rule Read(./secret.env)");
  });

  it("notes a missing file instead of failing", async () => {
    const out = await expand("See @docs/nope.md");
    expect(out.text).toBe("See @docs/nope.md");
    expect(out.notes).toEqual(["@docs/nope.md was not included: no such file"]);
  });
});

describe("expansion › !`command`", () => {
  it("runs a read-only command the policy allows and inlines its output", async () => {
    const out = await expand("Files: !`ls src`");
    expect(out.notes).toEqual([]);
    expect(out.text).toBe("Files: notes.md");
  });

  it("does not run a command that needs approval, and names the rule it would need", async () => {
    const out = await expand("Stamp: !`touch made.txt`");
    expect(existsSync(join(root, "made.txt"))).toBe(false);
    expect(out.text).toMatch(/^Stamp: \[not run: .*Bash\(touch made\.txt\)/);
    expect(out.notes[0]).toContain('add a rule such as "Bash(touch made.txt)"');
  });

  it("runs it when the command's allowed-tools cover it", async () => {
    const out = await expand("Stamp: !`touch made.txt && echo stamped`", "", [
      rule("Bash(touch made.txt)"),
    ]);
    expect(out.notes).toEqual([]);
    expect(existsSync(join(root, "made.txt"))).toBe(true);
    expect(out.text).toBe("Stamp: stamped");
  });

  it("lets a deny rule win over allowed-tools", async () => {
    policy = { ...policy, deny: [...policy.deny, rule("Bash(touch:*)")] };
    const out = await expand("!`touch made.txt`", "", [rule("Bash(touch made.txt)")]);
    expect(existsSync(join(root, "made.txt"))).toBe(false);
    expect(out.notes[0]).toContain("denied by rule Bash(touch:*)");
  });

  it("does not attach files that a command's output mentions", async () => {
    const out = await expand("!`echo @src/notes.md`");
    expect(out.text).toBe("@src/notes.md");
  });
});

describe("expansion › the model's arguments (Skill tool)", () => {
  it("fill in the text only: no argument runs a command or attaches a file", async () => {
    const allow = [rule("Bash(touch:*)"), rule("Bash(echo:*)")];
    const injected = await expand(
      "Run the linter.",
      "src !`touch injected-by-args` @src/notes.md",
      allow,
      false,
    );
    expect(existsSync(join(root, "injected-by-args"))).toBe(false);
    expect(injected.text).toBe(
      "Run the linter.\n\nARGUMENTS: src !`touch injected-by-args` @src/notes.md",
    );
    expect(injected.notes).toEqual([]);

    // The author's command runs as written ($1 is not filled in there); the text's $1 is, and
    // a command's output is left as it is.
    const written = await expand("Check $1: !`echo 'out $1'`", "alpha", allow, false);
    expect(written.text).toBe("Check alpha: out $1");

    // A person's own /name args still fill in the commands.
    const typed = await expand("Check: !`echo got-$1`", "alpha", allow);
    expect(typed.text).toBe("Check: got-alpha");
  });
});
