import { describe, expect, it } from "vitest";
import { protectedReason, type ProtectionScope } from "./protected-paths.ts";

const scope: ProtectionScope = {
  roots: ["/work/proj", "/work/extra"],
  home: "/home/me",
  gitDirs: ["/work/proj/.hidden-git"],
  platform: "linux",
};
const isProtected = (path: string, more: Partial<ProtectionScope> = {}) =>
  protectedReason(path, { ...scope, ...more }) !== undefined;

describe("protected paths", () => {
  it.each([
    "/work/proj/.git/hooks/pre-commit",
    "/work/proj/.git",
    "/work/proj/sub/module/.git/config",
    "/work/proj/.cairn/settings.json",
    "/work/proj/.claude/settings.local.json",
    "/work/proj/.mcp.json",
    "/work/proj/.vscode/tasks.json",
    "/work/proj/.idea/workspace.xml",
    "/work/proj/.husky/pre-push",
    "/work/proj/.envrc",
    "/work/proj/.npmrc",
    "/work/proj/.gitmodules",
    "/work/proj/.pre-commit-config.yaml",
    "/work/extra/nested/.bashrc",
    "/home/me/.zshrc",
    "/home/me/.bash_profile",
    "/home/me/.profile",
    "/home/me/.gitconfig",
    "/home/me/.config/git/config",
    "/work/proj/.hidden-git/hooks/post-checkout",
  ])("%s is protected, existing or not", (path) => {
    expect(isProtected(path)).toBe(true);
  });

  it.each([
    "/work/proj/src/index.ts",
    "/work/proj/.gitignore",
    "/work/proj/.github/workflows/ci.yml",
    "/work/proj/git/hooks",
    "/work/proj/.bashrc.d/notes",
    "/home/me/notes.txt",
    "/etc/profile.d/x",
  ])("%s is not protected", (path) => {
    expect(isProtected(path)).toBe(false);
  });

  it("judges a workspace by its own components, even when it lies in a protected folder of home", () => {
    const inside = { roots: ["/home/me/.cairn/worktrees/w"] };
    expect(isProtected("/home/me/.cairn/worktrees/w/src/a.ts", inside)).toBe(false);
    expect(isProtected("/home/me/.cairn/worktrees/w/.git/config", inside)).toBe(true);
    expect(isProtected("/home/me/.cairn/settings.json", inside)).toBe(true);
  });

  it("folds case on case-insensitive systems", () => {
    expect(isProtected("/work/proj/.GIT/hooks/x")).toBe(false);
    expect(isProtected("/Work/Proj/.GIT/hooks/x", { platform: "darwin" })).toBe(true);
    expect(isProtected("/work/proj/.Hidden-Git/x", { platform: "darwin" })).toBe(true);
  });
});
