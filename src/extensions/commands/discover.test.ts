import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { extensionFolders, type ExtensionRoots } from "../locations.ts";
import { discoverCommands } from "./discover.ts";

let roots: ExtensionRoots;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), "cairn-commands-"));
  roots = {
    workspaceRoot: join(base, "repo"),
    home: join(base, "home"),
    cairnHome: join(base, "home", ".cairn"),
    trusted: true,
  };
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

async function discover(trusted = true) {
  const warnings: string[] = [];
  const commands = await discoverCommands(
    extensionFolders("commands", { ...roots, trusted }),
    roots.workspaceRoot,
    (w) => warnings.push(w),
  );
  return { commands, warnings };
}

describe("custom commands › discovery", () => {
  it("reads the frontmatter fields and takes the description from the first line when absent", async () => {
    await put(
      join(roots.workspaceRoot, ".claude/commands/fix-issue.md"),
      "---\nargument-hint: [issue-number] [priority]\nallowed-tools: Bash(git add:*), Bash(git status:*)\nmodel: haiku\ndisable-model-invocation: true\n---\n# Fix issue $1\n\nDetails.\n",
    );
    const { commands, warnings } = await discover();
    expect(warnings).toEqual([]);
    expect(commands).toHaveLength(1);
    const [fix] = commands;
    expect(fix).toMatchObject({
      name: "fix-issue",
      description: "Fix issue $1 (project)",
      argumentHint: "[issue-number] [priority]",
      model: "haiku",
      disableModelInvocation: true,
      scope: "project",
    });
    expect(fix?.allowedTools.map((r) => [r.tool, r.specifier])).toEqual([
      ["Bash", "git add:*"],
      ["Bash", "git status:*"],
    ]);
  });

  it("lets project commands win over user ones, and .cairn over .claude", async () => {
    await put(join(roots.home, ".claude/commands/deploy.md"), "user claude\n");
    await put(join(roots.cairnHome, "commands/deploy.md"), "user cairn\n");
    await put(join(roots.workspaceRoot, ".claude/commands/deploy.md"), "project claude\n");
    await put(join(roots.home, ".claude/commands/only-user.md"), "mine\n");
    let { commands } = await discover();
    expect(commands.map((c) => [c.name, c.body.trim()])).toEqual([
      ["deploy", "project claude"],
      ["only-user", "mine"],
    ]);
    await put(join(roots.workspaceRoot, ".cairn/commands/deploy.md"), "project cairn\n");
    ({ commands } = await discover());
    expect(commands.find((c) => c.name === "deploy")?.body.trim()).toBe("project cairn");
  });

  it("reads no project folder of an untrusted workspace", async () => {
    await put(join(roots.workspaceRoot, ".claude/commands/x.md"), "!`touch pwned`\n");
    await put(join(roots.home, ".claude/commands/mine.md"), "mine\n");
    const { commands } = await discover(false);
    expect(commands.map((c) => c.name)).toEqual(["mine"]);
  });

  it("names a subfolder command by its file, labels the namespace, and keeps the full name", async () => {
    await put(
      join(roots.workspaceRoot, ".claude/commands/frontend/component.md"),
      "Make a component\n",
    );
    await put(join(roots.workspaceRoot, ".claude/commands/ops/deploy.md"), "Deploy\n");
    await put(join(roots.workspaceRoot, ".claude/commands/web/deploy.md"), "Deploy the site\n");
    const { commands } = await discover();
    const component = commands.find((c) => c.qualifiedName === "frontend:component");
    expect(component).toMatchObject({
      name: "component",
      description: "Make a component (project:frontend)",
    });
    // Two namespaces share "deploy": each goes by its full name.
    expect(commands.map((c) => c.name).sort()).toEqual(["component", "ops:deploy", "web:deploy"]);
  });

  it("skips a command with bad frontmatter, naming file and line, and keeps the others", async () => {
    const bad = join(roots.workspaceRoot, ".claude/commands/bad.md");
    await put(bad, "---\ndescription: fine\nallowed-tools:\n  nested: {a: 1}\n---\nbody\n");
    const badRule = join(roots.workspaceRoot, ".claude/commands/bad-rule.md");
    await put(badRule, "---\ndescription: x\nallowed-tools: Bash(git:*), not a rule!\n---\nbody\n");
    const unclosed = join(roots.workspaceRoot, ".claude/commands/unclosed.md");
    await put(unclosed, "---\ndescription: never closed\nbody\n");
    await put(join(roots.workspaceRoot, ".claude/commands/good.md"), "Good\n");
    const { commands, warnings } = await discover();
    expect(commands.map((c) => c.name)).toEqual(["good"]);
    expect(warnings).toHaveLength(3);
    expect(warnings).toContain(
      `command skipped: ${bad}:3: allowed-tools: expected a permission rule list like "Bash(git add:*), Bash(git status:*)"`,
    );
    expect(warnings.find((w) => w.includes(badRule))).toContain(
      `${badRule}:3: allowed-tools: "rule!" is not a permission rule`,
    );
    expect(warnings.find((w) => w.includes(unclosed))).toContain(`${unclosed}:1:`);
  });

  it("reads plain key: value lines that are not valid YAML as people mean them", async () => {
    await put(
      join(roots.workspaceRoot, ".claude/commands/pr.md"),
      "---\ndescription: Review: the open PR\nargument-hint: [pr-number] [priority]\n---\nReview $1\n",
    );
    const { commands, warnings } = await discover();
    expect(warnings).toEqual([]);
    expect(commands[0]).toMatchObject({
      description: "Review: the open PR (project)",
      argumentHint: "[pr-number] [priority]",
    });
  });
});
