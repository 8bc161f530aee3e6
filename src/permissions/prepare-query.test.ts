import fc from "fast-check";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access, Workspace } from "../tools/index.ts";
import { decide, type PermissionMode, type PermissionPolicy } from "./decide.ts";
import { prepareQuery, type QuerySetting } from "./prepare-query.ts";
import { parseRule } from "./rules.ts";
import { analyzeCommand, createShellParser } from "./shell/index.ts";

// tmp/
//   work/            the workspace
//     .env  src/a.ts  a/b/  gitstore/hooks/  .git (a file: "gitdir: gitstore")
//     via -> a       a symlinked parent inside the workspace
//     out -> ../outside
//     alias -> .env
//     .vscode/tasks.json   editor -> .vscode
//   work-evil/x      a sibling whose name starts like the workspace's
//   outside/secret
let tmp: string;
let work: string;
let setting: QuerySetting;
const parser = createShellParser();

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), "cairn-prepare-")));
  work = join(tmp, "work");
  for (const folder of ["work/src", "work/a/b", "work/gitstore/hooks", "work-evil", "outside"]) {
    await mkdir(join(tmp, folder), { recursive: true });
  }
  await writeFile(join(work, ".env"), "TOKEN=1");
  await writeFile(join(work, "src/a.ts"), "");
  await writeFile(join(work, ".git"), "gitdir: gitstore\n");
  await writeFile(join(tmp, "work-evil/x"), "");
  await writeFile(join(tmp, "outside/secret"), "");
  await symlink(join(work, "a"), join(work, "via"));
  await symlink(join(tmp, "outside"), join(work, "out"));
  await symlink(join(work, ".env"), join(work, "alias"));
  await mkdir(join(work, ".vscode"));
  await writeFile(join(work, ".vscode/tasks.json"), "{}");
  await symlink(join(work, ".vscode"), join(work, "editor"));
  const workspace: Workspace = { root: work, additionalDirs: [] };
  setting = {
    workspace,
    shellCwd: work,
    home: join(tmp, "home"),
    platform: "linux",
    analyze: (command) => analyzeCommand(parser, command),
  };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const policy = (p: Partial<PermissionPolicy> = {}): PermissionPolicy => ({
  mode: "default",
  allow: [],
  ask: [],
  deny: [],
  ...p,
});
const rules = (...r: string[]) => r.map((x) => parseRule(x, "test", work));

async function judge(p: PermissionPolicy, toolName: string, access: Access) {
  const readOnly = access.kind === "read";
  return decide(p, await prepareQuery({ name: toolName, readOnly }, access, setting));
}
const readOf = (path: string): Access => ({ kind: "read", paths: [path] });
const writeOf = (path: string): Access => ({ kind: "write", paths: [path] });
const command = (text: string): Access => ({ kind: "command", command: text });

describe("prepared queries › the workspace boundary", () => {
  it("asks when a link inside the workspace leads outside, for every file tool", async () => {
    expect((await judge(policy(), "Read", readOf("out/secret"))).behavior).toBe("ask");
    expect((await judge(policy(), "LS", readOf("out"))).behavior).toBe("ask");
    expect(
      (await judge(policy({ mode: "acceptEdits" }), "Write", writeOf("out/new"))).behavior,
    ).toBe("ask");
    expect(
      (await judge(policy({ mode: "acceptEdits" }), "Edit", writeOf("src/a.ts"))).behavior,
    ).toBe("allow");
  });

  it("does not take the sibling work-evil for the workspace work", async () => {
    for (const spelling of ["../work-evil/x", join(tmp, "work-evil/x")]) {
      expect((await judge(policy(), "Read", readOf(spelling))).behavior).toBe("ask");
      const write = await judge(policy({ mode: "acceptEdits" }), "Write", writeOf(spelling));
      expect(write.behavior).toBe("ask");
    }
  });

  it("denies a secret read through a symlink or a detour", async () => {
    const deny = policy({ deny: rules("Read(.env)"), mode: "bypassPermissions" });
    for (const spelling of ["alias", "src/../.env", join(work, ".env"), "via/../.env"]) {
      expect((await judge(deny, "Read", readOf(spelling))).behavior).toBe("deny");
    }
  });

  it("protects config folders whether their files exist or not, and through links", async () => {
    const accept = policy({ mode: "acceptEdits", allow: rules("Edit", "Write") });
    for (const target of [
      ".vscode/tasks.json",
      ".vscode/new.json",
      ".claude/settings.json",
      "editor/tasks.json",
      "sub/.git/hooks/pre-commit",
    ]) {
      expect((await judge(accept, "Write", writeOf(target))).behavior, target).toBe("ask");
    }
    expect((await judge(accept, "Write", writeOf("src/a.ts"))).behavior).toBe("allow");
  });

  it("protects the git folder a .git file points to", async () => {
    const decision = await judge(
      policy({ mode: "acceptEdits" }),
      "Write",
      writeOf("gitstore/hooks/pre-commit"),
    );
    expect(decision).toMatchObject({
      behavior: "ask",
      reason: expect.stringContaining("git folder") as unknown,
    });
  });
});

describe("prepared queries › Bash", () => {
  it("denies commands that name a denied file however they spell it", async () => {
    const deny = policy({ deny: rules("Read(.env)") });
    for (const text of [
      "cat .env",
      "cat alias",
      "cp .env /tmp/x",
      "cat < .env",
      "grep TOKEN .env",
      "cat ./src/../.env",
      "cd src && cat ../.env",
      "cat .en*",
      "head -n1 via/../.env",
    ]) {
      expect((await judge(deny, "Bash", command(text))).behavior, text).toBe("deny");
    }
    expect((await judge(deny, "Bash", command("cat src/a.ts"))).behavior).toBe("allow");
  });

  it("asks before writing a protected path after a cd", async () => {
    const p = policy({ allow: rules("Bash(echo:*)", "Edit") });
    expect((await judge(p, "Bash", command("cd .git && echo x > config"))).behavior).toBe("ask");
    expect((await judge(p, "Bash", command("echo x > notes.txt"))).behavior).toBe("allow");
  });

  it("asks before a read-only command reads through a link to outside", async () => {
    expect((await judge(policy(), "Bash", command("cat out/secret"))).behavior).toBe("ask");
    expect((await judge(policy(), "Bash", command("ls src"))).behavior).toBe("allow");
  });
});

describe("prepared queries › properties", () => {
  const segment = fc.constantFrom("b", "c", "d");
  const name = fc.constantFrom("x.ts", ".env", "k.pem", "notes");
  const patterns = [
    ".env",
    "*.pem",
    "a/**",
    "a/b/*",
    "/a/b/**",
    "**/x.ts",
    "b",
    "./a/.env",
    "a/*/.env",
  ];

  it("a deny pattern that covers a path covers every spelling of it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 3 }),
        name,
        fc.constantFrom(...patterns),
        fc.constantFrom<PermissionMode>("default", "bypassPermissions"),
        async (folders, file, pattern, mode) => {
          const rest = [...folders, file].join("/");
          const p = policy({ mode, deny: rules(`Read(${pattern})`) });
          const canonical = await judge(p, "Read", readOf(`a/${rest}`));
          const spellings = [
            `./a/../a/${rest}`,
            join(work, "a", rest),
            `via/${rest}`,
            `src/../via/${rest}`,
          ];
          for (const spelling of spellings) {
            const decision = await judge(p, "Read", readOf(spelling));
            if (canonical.behavior === "deny") expect(decision.behavior, spelling).toBe("deny");
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
