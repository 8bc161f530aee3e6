import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinTools, type Tool } from "../../tools/index.ts";
import { builtinAgents } from "./builtin.ts";
import { childTools } from "./child-tools.ts";
import { ExtensionFileError, parseAgentDefinition, type AgentDefinition } from "./definition.ts";
import { loadAgentDefinitions } from "./load.ts";
import { createTaskTool, modelSpecFor } from "./task-tool.ts";

const names = (tools: readonly Tool[]) => tools.map((t) => t.name);

describe("parseAgentDefinition", () => {
  it("reads name, description, a comma tool list, model, maxTurns and the body as prompt", () => {
    const def = parseAgentDefinition(
      "---\nname: code-reviewer\ndescription: Reviews code. Use proactively.\ntools: Read, Grep, Bash(git diff:*)\nmodel: haiku\nmaxTurns: 5\n---\n\nYou review code.\n",
      "/a/reviewer.md",
    );
    expect(def).toEqual({
      name: "code-reviewer",
      description: "Reviews code. Use proactively.",
      tools: ["Read", "Grep", "Bash"],
      model: "haiku",
      maxTurns: 5,
      prompt: "You review code.",
      source: "/a/reviewer.md",
    });
  });

  it("takes a YAML tool list and disallowedTools, and defaults model to inherit", () => {
    const def = parseAgentDefinition(
      "---\nname: x\ndescription: d\ntools:\n  - Read\n  - mcp__github__get_issue\ndisallowedTools: Write\n---\nbody",
      "x.md",
    );
    expect(def.tools).toEqual(["Read", "mcp__github__get_issue"]);
    expect(def.disallowedTools).toEqual(["Write"]);
    expect(def.model).toBe("inherit");
  });

  it("does not split a tool list at commas inside a rule's parentheses", () => {
    const def = parseAgentDefinition(
      "---\nname: x\ndescription: d\ntools: Bash(git add:*, git commit:*), Read\n---\nbody",
      "x.md",
    );
    expect(def.tools).toEqual(["Bash", "Read"]);
  });

  it("reads a description with a colon the way published agents write it", () => {
    const def = parseAgentDefinition(
      "---\nname: x\ndescription: Use when: the build fails\n---\nbody",
      "x.md",
    );
    expect(def.description).toBe("Use when: the build fails");
  });

  it("names file and line of a bad field, and the missing required one", () => {
    const bad = () =>
      parseAgentDefinition("---\ndescription: d\nname: Code Reviewer\n---\nbody", "/a/b.md");
    expect(bad).toThrow(ExtensionFileError);
    expect(bad).toThrow(/^\/a\/b\.md:3: name: expected lowercase letters, digits and hyphens/);
    expect(() => parseAgentDefinition("---\nname: x\n---\nbody", "/a/c.md")).toThrow(
      /^\/a\/c\.md:1: description: required/,
    );
    expect(() => parseAgentDefinition("---\nname: x\ndescription: d\n---\n\n", "/a/e.md")).toThrow(
      /^\/a\/e\.md:\d+: the body .* is empty/,
    );
  });
});

describe("loadAgentDefinitions", () => {
  it("adds files over the built-ins, a later folder winning, and skips bad files with a warning", async () => {
    const root = await mkdtemp(join(tmpdir(), "cairn-agents-"));
    const user = join(root, "user");
    const project = join(root, "project");
    await mkdir(join(project, "team"), { recursive: true });
    await mkdir(user, { recursive: true });
    await writeFile(join(user, "rev.md"), "---\nname: reviewer\ndescription: user one\n---\nU");
    await writeFile(
      join(project, "rev.md"),
      "---\nname: reviewer\ndescription: project one\n---\nP",
    );
    await writeFile(join(project, "team", "t.md"), "---\nname: tester\ndescription: tests\n---\nT");
    await writeFile(join(project, "broken.md"), "---\nname: [oops\n---\nbody");
    await writeFile(join(project, "README.md"), "# Our agents\n");
    const warnings: string[] = [];
    const defs = await loadAgentDefinitions(
      [
        { scope: "user", path: user },
        { scope: "project", path: project },
        { scope: "project", path: join(root, "missing") },
      ],
      (w) => warnings.push(w),
    );
    expect(defs.map((d) => d.name)).toEqual(["explore", "general-purpose", "reviewer", "tester"]);
    expect(defs.find((d) => d.name === "reviewer")?.description).toBe("project one");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^agent skipped: .*broken\.md:\d+: /);
  });
});

describe("childTools", () => {
  const parent = [...builtinTools("string-replace")];
  const task = createTaskTool({
    definitions: builtinAgents,
    parent: () => {
      throw new Error("not run");
    },
    cwd: "/w",
    platform: "linux",
  });
  const def = (extra: Partial<AgentDefinition>): AgentDefinition => ({
    name: "x",
    description: "d",
    model: "inherit",
    prompt: "p",
    source: "x.md",
    ...extra,
  });

  it("gives general-purpose every parent tool but Task", () => {
    const gp = builtinAgents.find((a) => a.name === "general-purpose");
    expect(gp).toBeDefined();
    expect(names(childTools([...parent, task], gp as AgentDefinition))).toEqual(names(parent));
  });

  it("gives explore only the read-only tools the parent has", () => {
    const explore = builtinAgents.find((a) => a.name === "explore") as AgentDefinition;
    expect(names(childTools([...parent, task], explore))).toEqual([
      "Glob",
      "Grep",
      "LS",
      "Read",
      "WebFetch",
    ]);
  });

  it("never widens: a tool the parent lacks stays out, and Task or Agent cannot be listed back", () => {
    const withoutBash = parent.filter((t) => t.name !== "Bash");
    const tools = childTools(
      [...withoutBash, task],
      def({ tools: ["Bash", "Read", "Agent", "Task"] }),
    );
    expect(names(tools)).toEqual(["Read"]);
  });

  it("removes disallowedTools and maps Edit to apply_patch for models that edit that way", () => {
    expect(names(childTools(parent, def({ disallowedTools: ["Bash", "Write"] })))).not.toContain(
      "Bash",
    );
    const openai = builtinTools("apply-patch");
    expect(names(childTools(openai, def({ tools: ["Read", "Edit"] })))).toEqual([
      "Read",
      "apply_patch",
    ]);
  });
});

describe("the Task tool", () => {
  it("lists the agent types in its description and answers to Agent too", () => {
    const tool = createTaskTool({
      definitions: builtinAgents,
      parent: () => {
        throw new Error("not run");
      },
      cwd: "/w",
      platform: "linux",
    });
    expect(tool.name).toBe("Task");
    expect(tool.aliases).toEqual(["Agent"]);
    expect(tool.readOnly).toBe(true);
    expect(tool.description).toMatch(/- explore: Fast read-only agent/);
    expect(tool.description).toMatch(/- general-purpose: General-purpose agent/);
  });

  it("answers an unknown subagent_type with an error listing the types, before touching the parent", async () => {
    const tool = createTaskTool({
      definitions: builtinAgents,
      parent: () => {
        throw new Error("must not be read");
      },
      cwd: "/w",
      platform: "linux",
    });
    const out = await tool.run(
      { description: "d", prompt: "p", subagent_type: "nope" },
      // The context is not used before the type is checked.
      { cwd: "/w", signal: new AbortController().signal, session: undefined as never },
    );
    expect(out.isError).toBe(true);
    expect(out.content).toBe(
      'No agent type named "nope". Available agent types: general-purpose, explore. Call Task again with one of them.',
    );
  });

  it("inherits the parent's model unless the definition names one the provider can serve", () => {
    expect(modelSpecFor("inherit", "anthropic")).toBeUndefined();
    expect(modelSpecFor("haiku", "anthropic")).toBe("haiku");
    expect(modelSpecFor("haiku", "openai")).toBeUndefined();
    expect(modelSpecFor("claude-opus-4-5", "openai-chat")).toBeUndefined();
    expect(modelSpecFor("openai/gpt-5-mini", "anthropic")).toBe("openai/gpt-5-mini");
  });
});
