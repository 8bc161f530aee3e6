import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { repositoryConfiguration } from "./repository-config.ts";
import { TrustPrompt } from "./trust-prompt.tsx";

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the trust prompt", () => {
  it("finds the files that configure cairn in a repository", async () => {
    const root = await mkdtemp(join(tmpdir(), "cairn-trust-"));
    expect(await repositoryConfiguration(root)).toEqual([]);
    await mkdir(join(root, ".claude"));
    await writeFile(join(root, ".claude", "settings.json"), "{}");
    await writeFile(join(root, ".mcp.json"), "{}");
    expect(await repositoryConfiguration(root)).toEqual([".claude/settings.json", ".mcp.json"]);
  });

  it("names the folder and its files, and answers yes with 1 or Enter, no with 2 or Esc", async () => {
    const answers: boolean[] = [];
    const shown = render(
      <TrustPrompt folder="/repo" files={[".mcp.json"]} onAnswer={(t) => answers.push(t)} />,
    );
    expect(shown.lastFrame()).toContain("/repo");
    expect(shown.lastFrame()).toContain(".mcp.json");
    shown.stdin.write("1");
    await tick();
    const second = render(
      <TrustPrompt folder="/repo" files={[".mcp.json"]} onAnswer={(t) => answers.push(t)} />,
    );
    second.stdin.write("\u001b");
    await tick();
    const third = render(
      <TrustPrompt folder="/repo" files={[".mcp.json"]} onAnswer={(t) => answers.push(t)} />,
    );
    third.stdin.write("\u001b[B");
    await tick();
    third.stdin.write("\r");
    await tick();
    expect(answers).toEqual([true, false, false]);
  });
});
