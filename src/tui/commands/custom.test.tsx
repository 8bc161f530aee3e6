import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import { loadSessionPrompts, type PromptCommand } from "../../extensions/index.ts";
import { PromptEditor } from "../prompt-editor/index.ts";
import { repositoryConfiguration } from "../repository-config.ts";
import { builtinCommands } from "./builtin.ts";
import { customSlashCommands, shadowedText } from "./custom.ts";
import { fakeContext } from "./fake-context.ts";
import { runSlashCommand } from "./run.ts";

/** Custom commands read from real files in a trusted temp workspace. */
async function customFrom(files: Record<string, string>): Promise<readonly PromptCommand[]> {
  const base = await mkdtemp(join(tmpdir(), "cairn-custom-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(base, "repo", path, ".."), { recursive: true });
    await writeFile(join(base, "repo", path), text);
  }
  const prompts = await loadSessionPrompts({
    roots: {
      workspaceRoot: join(base, "repo"),
      home: join(base, "home"),
      cairnHome: join(base, "home/.cairn"),
      trusted: true,
    },
    env: {},
    warn: () => undefined,
  });
  return prompts.registry.list();
}

const settle = (ms = 40): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("custom slash commands in the UI", () => {
  it("lists a custom command in the / menu after the built-ins, with its hint and description", async () => {
    const prompts = await customFrom({
      ".claude/commands/commit.md":
        "---\ndescription: Commit the staged work\nargument-hint: [message]\n---\nCommit: $ARGUMENTS\n",
    });
    const { commands } = customSlashCommands(builtinCommands, prompts);
    const dir = await mkdtemp(join(tmpdir(), "cairn-custom-ui-"));
    const view = render(
      <PromptEditor
        commands={[...builtinCommands, ...commands]}
        cwd={dir}
        historyFile={join(dir, "history.jsonl")}
        disabled={false}
        width={100}
        onSubmit={vi.fn()}
        onInterrupt={vi.fn()}
        onClearOrExit={vi.fn()}
      />,
    );
    await settle();
    view.stdin.write("/co");
    await settle();
    const frame = view.lastFrame() ?? "";
    expect(frame).toContain("/commit [message]");
    expect(frame).toContain("Commit the staged work (project)");
    // Alphabetically "commit" comes before "compact"; custom commands still follow the built-ins.
    expect(frame.indexOf("/compact")).toBeGreaterThan(-1);
    expect(frame.indexOf("/commit")).toBeGreaterThan(frame.indexOf("/compact"));
    view.unmount();
  });

  it("leaves out a custom command a built-in shadows, and says which file", async () => {
    const prompts = await customFrom({
      ".claude/commands/help.md": "My help\n",
      ".claude/commands/quit.md": "Quit alias clash\n",
      ".claude/commands/greet.md": "Hello\n",
    });
    const { commands, shadowed } = customSlashCommands(builtinCommands, prompts);
    expect(commands.map((c) => c.name)).toEqual(["greet"]);
    expect(shadowed.map((s) => s.name).sort()).toEqual(["help", "quit"]);
    expect(shadowedText(shadowed)).toMatch(
      /not available as custom commands: \/(help|quit) \(.*\.md\)/,
    );
  });

  it("runs through the controller's runPromptCommand with the arguments as typed", async () => {
    const prompts = await customFrom({ ".claude/commands/greet.md": "Hello $1\n" });
    const { commands } = customSlashCommands(builtinCommands, prompts);
    const context = fakeContext();
    const calls: Array<[string, string]> = [];
    const withRunner = Object.assign(context, {
      runPromptCommand: (command: PromptCommand, args: string) => {
        calls.push([command.name, args]);
        return Promise.resolve();
      },
    });
    expect(
      await runSlashCommand('/greet "Ada L" now', [...builtinCommands, ...commands], withRunner),
    ).toBe(true);
    expect(calls).toEqual([["greet", '"Ada L" now']]);
  });

  it("counts a repository's commands and skills folders as configuration the trust question names", async () => {
    const root = await mkdtemp(join(tmpdir(), "cairn-custom-trust-"));
    await mkdir(join(root, ".claude/commands"), { recursive: true });
    await mkdir(join(root, ".cairn/skills/x"), { recursive: true });
    expect(await repositoryConfiguration(root)).toEqual([".claude/commands/", ".cairn/skills/"]);
  });
});
