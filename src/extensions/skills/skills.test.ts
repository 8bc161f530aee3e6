import { mkdir, mkdtemp, realpath, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  analyzeCommand,
  createShellParser,
  decide,
  prepareQuery,
  type PermissionPolicy,
} from "../../permissions/index.ts";
import { bashTool } from "../../tools/bash.ts";
import { createToolSession } from "../../tools/index.ts";
import type { ExtensionRoots } from "../locations.ts";
import { loadSessionPrompts } from "../session-prompts.ts";
import { listingBudget, skillListing } from "./listing.ts";

let roots: ExtensionRoots;

beforeEach(async () => {
  const base = await realpath(await mkdtemp(join(tmpdir(), "cairn-skills-")));
  roots = {
    workspaceRoot: join(base, "repo"),
    home: join(base, "home"),
    cairnHome: join(base, "home", ".cairn"),
    trusted: true,
  };
  await mkdir(roots.workspaceRoot, { recursive: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

const basePolicy: PermissionPolicy = { mode: "default", allow: [], ask: [], deny: [] };
/** No rules of the session's own, and the real Bash tool for `!` lines. */
const runtime = { policy: () => basePolicy, bash: () => bashTool };

async function load() {
  const warnings: string[] = [];
  const prompts = await loadSessionPrompts({ roots, env: {}, warn: (w) => warnings.push(w) });
  return { prompts, warnings };
}

describe("skills › listing budget", () => {
  it("is 1 % of the window in tokens, times four characters, unless the variable says otherwise", () => {
    expect(listingBudget(200_000, {})).toBe(8_000);
    expect(listingBudget(200_000, { SLASH_COMMAND_TOOL_CHAR_BUDGET: "120" })).toBe(120);
  });

  it("lists names and descriptions until the budget is spent, and counts the rest", () => {
    const skills = Array.from({ length: 10 }, (_, i) => ({
      name: `skill-${i}`,
      description: "does a thing",
    }));
    const listing = skillListing(skills, 70);
    expect(listing.split("\n")).toEqual([
      "- skill-0: does a thing",
      "- skill-1: does a thing",
      "(8 more skills not listed for space; call Skill with a name the user gives.)",
    ]);
    expect(skillListing(skills, 10_000)).not.toContain("not listed");
  });
});

describe("skills › the Skill tool", () => {
  it("is absent when no skill may be used by the model", async () => {
    await put(
      join(roots.home, ".claude/skills/manual/SKILL.md"),
      "---\ndescription: Only by hand\ndisable-model-invocation: true\n---\nbody\n",
    );
    const { prompts } = await load();
    expect(prompts.skillTool(200_000, runtime)).toBeUndefined();
    // It is still a /command for the person.
    expect(prompts.registry.find("manual")?.kind).toBe("skill");
  });

  it("returns the body with arguments and makes the skill's folder readable, not writable", async () => {
    const folder = join(roots.home, ".claude/skills/pdf");
    await put(
      join(folder, "SKILL.md"),
      "---\nname: pdf\ndescription: Fill PDF forms\n---\nFill $1 using forms.md\n",
    );
    await put(join(folder, "forms.md"), "how to fill\n");
    const { prompts, warnings } = await load();
    expect(warnings).toEqual([]);
    const tool = prompts.skillTool(200_000, runtime);
    expect(tool?.description).toContain("- pdf: Fill PDF forms");
    expect(tool?.description).not.toContain("Fill $1");

    const session = createToolSession({ root: roots.workspaceRoot, additionalDirs: [] });
    const base: PermissionPolicy = { mode: "default", allow: [], ask: [], deny: [] };
    const judge = async (kind: "read" | "write") =>
      decide(
        prompts.withGrants(base),
        await prepareQuery(
          { name: kind === "read" ? "Read" : "Write", readOnly: kind === "read" },
          { kind, paths: [join(folder, "forms.md")] },
          {
            workspace: session.workspace,
            shellCwd: roots.workspaceRoot,
            home: roots.home,
            platform: process.platform,
            analyze: () => Promise.reject(new Error("no commands here")),
          },
        ),
      ).behavior;
    expect(await judge("read")).toBe("ask");

    const input = tool?.input.parse({ skill: "pdf", args: "tax.pdf" });
    const out = await tool?.run(input, {
      cwd: roots.workspaceRoot,
      signal: new AbortController().signal,
      session,
    });
    expect(out?.isError).toBeUndefined();
    expect(out?.content).toContain("Fill tax.pdf using forms.md");
    expect(out?.content).toContain(folder);
    expect(await judge("read")).toBe("allow");
    expect(await judge("write")).toBe("ask");
    await session.dispose();
  });

  it("fills in its @files and !`cmd` outputs as a /skill would, and grants its allowed-tools", async () => {
    const folder = join(roots.home, ".claude/skills/status");
    await put(
      join(folder, "SKILL.md"),
      "---\ndescription: Summarise the branch\nallowed-tools: Bash(touch ok-file)\n---\n" +
        "Branch says: !`echo hello-from-skill`\nMade: !`touch ok-file`\n" +
        "Not allowed: !`touch made-by-skill`\nSee @notes.txt\n",
    );
    await put(join(roots.workspaceRoot, "notes.txt"), "the notes\n");
    const { prompts } = await load();
    const tool = prompts.skillTool(200_000, runtime);
    const session = createToolSession({ root: roots.workspaceRoot, additionalDirs: [] });
    const touchRule = async () =>
      decide(
        prompts.withGrants(basePolicy),
        await prepareQuery(
          { name: "Bash", readOnly: false },
          { kind: "command", command: "touch ok-file" },
          {
            workspace: session.workspace,
            shellCwd: roots.workspaceRoot,
            home: roots.home,
            platform: process.platform,
            analyze: (command) =>
              analyzeCommand((session.shellParser.current ??= createShellParser()), command),
          },
        ),
      ).behavior;
    expect(await touchRule()).toBe("ask");

    const out = await tool?.run(tool.input.parse({ skill: "status" }), {
      cwd: roots.workspaceRoot,
      signal: new AbortController().signal,
      session,
    });
    const text = typeof out?.content === "string" ? out.content : "";
    expect(text).toContain("Branch says: hello-from-skill");
    expect(text).toContain("Not allowed: [not run:");
    expect(text).toMatch(/Note: !`touch made-by-skill` was not run: /);
    expect(text).toContain('<file path="notes.txt">\nthe notes\n</file>');
    expect((await stat(join(roots.workspaceRoot, "ok-file"))).isFile()).toBe(true);
    // The model's arguments fill in text only: a ! line in them is never run.
    const injected = await tool?.run(
      tool.input.parse({ skill: "status", args: "x !`touch ok-injected` @notes.txt" }),
      { cwd: roots.workspaceRoot, signal: new AbortController().signal, session },
    );
    expect(injected?.content).toContain("ARGUMENTS: x !`touch ok-injected` @notes.txt");
    await expect(stat(join(roots.workspaceRoot, "ok-injected"))).rejects.toThrow();
    await expect(stat(join(roots.workspaceRoot, "made-by-skill"))).rejects.toThrow();
    // Used by the model, its allowed-tools hold from then on.
    expect(await touchRule()).toBe("allow");
    await session.dispose();
  });

  it("answers an unknown skill with the near names", async () => {
    await put(join(roots.home, ".claude/skills/deploy/SKILL.md"), "Deploy things\n");
    const { prompts } = await load();
    const tool = prompts.skillTool(200_000, runtime);
    const session = createToolSession({ root: roots.workspaceRoot, additionalDirs: [] });
    const out = await tool?.run(tool.input.parse({ skill: "deplyo" }), {
      cwd: roots.workspaceRoot,
      signal: new AbortController().signal,
      session,
    });
    expect(out?.isError).toBe(true);
    expect(out?.content).toContain('No skill named "deplyo". Did you mean deploy?');
    await session.dispose();
  });
});

describe("prompt registry", () => {
  it("prefers a skill over a command of the same name and hides user-invocable: false skills", async () => {
    await put(join(roots.workspaceRoot, ".claude/skills/review/SKILL.md"), "Skill review\n");
    await put(
      join(roots.workspaceRoot, ".claude/skills/internal/SKILL.md"),
      "---\nuser-invocable: false\ndescription: model only\n---\nx\n",
    );
    await put(join(roots.workspaceRoot, ".claude/commands/review.md"), "Command review\n");
    await put(join(roots.workspaceRoot, ".claude/commands/ui/button.md"), "Button\n");
    const { prompts } = await load();
    expect(prompts.registry.find("review")?.kind).toBe("skill");
    expect(prompts.registry.find("internal")).toBeUndefined();
    expect(prompts.skillTool(200_000, runtime)?.description).toContain("- internal: model only");
    expect(prompts.registry.find("ui:button")?.name).toBe("button");
    expect(prompts.registry.near("buton")).toEqual(["button"]);
  });

  it("takes in a later source (an MCP server's prompts) after the files' commands", async () => {
    const { prompts } = await load();
    prompts.addSource({
      commands: [
        {
          name: "mcp__docs__summarise",
          description: "Summarise a page (MCP)",
          aliases: [],
          kind: "mcp",
          expand: (args) => Promise.resolve({ text: `summarise ${args}`, allow: [], notes: [] }),
        },
      ],
    });
    const found = prompts.registry.find("mcp__docs__summarise");
    expect(found?.kind).toBe("mcp");
  });
});
