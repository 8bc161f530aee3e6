import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { trustFolder } from "../config/index.ts";
import { runConfigCommand } from "./config-command.ts";

let base: string;
let home: string;
let root: string;
let managedPath: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-config-")));
  home = join(base, "home");
  root = join(base, "repo");
  managedPath = join(base, "etc", "managed-settings.json");
  await mkdir(home, { recursive: true });
  await mkdir(root, { recursive: true });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const localFile = () => join(root, ".cairn", "settings.local.json");
const projectFile = () => join(root, ".cairn", "settings.json");
const userFile = () => join(home, ".cairn", "settings.json");

async function cairn(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runConfigCommand(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: root,
    env: { HOME: home },
    home,
    managedPath,
  });
  return { code, stdout, stderr };
}

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function json(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8")) as unknown;
}

describe("cairn config set/get", () => {
  it("sets a value in the local file by default and reads it back", async () => {
    await trustFolder(root, join(home, ".cairn"));
    const set = await cairn("set", "model", "anthropic/claude-sonnet-4-5");
    expect(set).toEqual({
      code: 0,
      stdout: `model = "anthropic/claude-sonnet-4-5" in ${localFile()}\n`,
      stderr: "",
    });
    expect(await json(localFile())).toEqual({ model: "anthropic/claude-sonnet-4-5" });
    expect(await cairn("get", "model")).toEqual({
      code: 0,
      stdout: '"anthropic/claude-sonnet-4-5"\n',
      stderr: "",
    });
  });

  it("parses values as JSON when they parse, else keeps the text", async () => {
    await cairn("set", "--scope", "user", "cleanupPeriodDays", "14");
    await cairn("set", "--scope=user", "autoCompactEnabled", "false");
    await cairn("set", "--scope", "user", "permissions.deny", '["Read(./.env)"]');
    await cairn("set", "--scope", "user", "env.DEBUG", '"1"');
    expect(await json(userFile())).toEqual({
      cleanupPeriodDays: 14,
      autoCompactEnabled: false,
      permissions: { deny: ["Read(./.env)"] },
      env: { DEBUG: "1" },
    });
    expect((await cairn("get", "permissions")).stdout).toBe(
      '{\n  "deny": [\n    "Read(./.env)"\n  ]\n}\n',
    );
  });

  it("writes each scope to its own file", async () => {
    await cairn("set", "--scope", "project", "model", "p");
    await cairn("set", "--scope", "user", "model", "u");
    await cairn("set", "model", "l");
    expect(await json(projectFile())).toEqual({ model: "p" });
    expect(await json(userFile())).toEqual({ model: "u" });
    expect(await json(localFile())).toEqual({ model: "l" });
    expect((await cairn("get", "--scope", "project", "model")).stdout).toBe('"p"\n');
    expect((await stat(userFile())).mode & 0o777).toBe(0o600);
    expect((await stat(localFile())).mode & 0o777).toBe(0o600);
  });

  it("keeps the rest of the file, its indentation and its mode, and leaves no temp file", async () => {
    const original =
      '{\n    "model": "x",\n    "statusLine": {"type": "command", "command": "s"},\n    "env": {"A": "1"}\n}\n';
    await put(localFile(), original);
    await chmod(localFile(), 0o640);
    expect((await cairn("set", "env.B", "2x")).code).toBe(0);
    expect(await readFile(localFile(), "utf8")).toBe(
      '{\n    "model": "x",\n    "statusLine": {\n        "type": "command",\n        "command": "s"\n    },\n    "env": {\n        "A": "1",\n        "B": "2x"\n    }\n}\n',
    );
    expect((await stat(localFile())).mode & 0o777).toBe(0o640);
    expect(await readdir(join(root, ".cairn"))).toEqual(["settings.local.json"]);
  });

  it("refuses a wrong type and leaves the file as it was", async () => {
    await put(localFile(), '{"model": "x"}');
    const result = await cairn("set", "cleanupPeriodDays", "soon");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cairn: settings: ${localFile()}: cleanupPeriodDays: expected a number, got a string ("soon")`,
    );
    expect(await readFile(localFile(), "utf8")).toBe('{"model": "x"}');
  });

  it("refuses an unknown key, suggesting the near one", async () => {
    const result = await cairn("set", "permisions.allow", '["Read"]');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "cairn: permisions is not a settings key (did you mean permissions?)",
    );
    await expect(stat(localFile())).rejects.toThrow();
  });

  it("refuses to write over a file with a syntax error, saying where it is", async () => {
    const broken = '{\n  "model": "x",\n  "env": {"A": "1",}\n}\n';
    await put(localFile(), broken);
    const result = await cairn("set", "model", "y");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cairn: settings: ${localFile()}: line 3, column 19: trailing comma before '}'`,
    );
    expect(await readFile(localFile(), "utf8")).toBe(broken);
  });

  it("treats an empty file as empty settings when writing to it", async () => {
    await put(localFile(), "\n");
    expect((await cairn("set", "model", "m")).code).toBe(0);
    expect(await json(localFile())).toEqual({ model: "m" });
  });

  it("keeps unknown keys already in the file, with a warning", async () => {
    await put(localFile(), '{"mystery": 1}');
    const result = await cairn("set", "model", "m");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: settings: ");
    expect(result.stderr).toContain("unknown key mystery, ignored");
    expect(await json(localFile())).toEqual({ mystery: 1, model: "m" });
  });

  it("notes that a key the repository's files may not set waits for trust", async () => {
    const result = await cairn("set", "--scope", "project", "permissions.allow", '["Bash"]');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `note: ${root} is not a trusted folder, so permissions.allow in ${projectFile()} is ignored until you run \`cairn trust\` there`,
    );
    expect((await cairn("set", "--scope", "project", "permissions.deny", '["Bash"]')).stderr).toBe(
      "",
    );
  });

  it("exits 1 for an unset key", async () => {
    expect(await cairn("get", "model")).toEqual({
      code: 1,
      stdout: "",
      stderr: "cairn: model is not set\n",
    });
  });

  it("reads quoted keys and list positions", async () => {
    await cairn(
      "set",
      "--scope",
      "user",
      "providers.local",
      '{"type": "openai-chat", "baseUrl": "http://localhost:8000/v1"}',
    );
    await cairn(
      "set",
      "--scope",
      "user",
      'providers.local.models["gpt-4.1"].contextWindow',
      "1000000",
    );
    await cairn("add", "--scope", "user", "permissions.allow", "Read", "Edit");
    expect((await cairn("get", 'providers.local.models["gpt-4.1"]')).stdout).toBe(
      '{\n  "contextWindow": 1000000\n}\n',
    );
    expect((await cairn("get", "permissions.allow[1]")).stdout).toBe('"Edit"\n');
  });
});

describe("cairn config unset/add/remove", () => {
  it("adds to a list once and removes from it", async () => {
    await trustFolder(root, join(home, ".cairn"));
    const added = await cairn("add", "permissions.allow", "Bash(npm test:*)", "Read");
    expect(added.stdout).toBe(`2 values added to permissions.allow in ${localFile()}\n`);
    expect((await cairn("add", "permissions.allow", "Read")).stdout).toBe(
      `0 values added to permissions.allow in ${localFile()}\n`,
    );
    expect(await json(localFile())).toEqual({
      permissions: { allow: ["Bash(npm test:*)", "Read"] },
    });
    expect((await cairn("remove", "permissions.allow", "Read")).code).toBe(0);
    expect(await json(localFile())).toEqual({ permissions: { allow: ["Bash(npm test:*)"] } });
    expect((await cairn("remove", "permissions.allow", "Nope")).code).toBe(1);
  });

  it("refuses to add to something that is not a list", async () => {
    await cairn("set", "model", "m");
    const result = await cairn("add", "model", "x");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("model in ");
    expect(result.stderr).toContain("is not a list");
  });

  it("unsets a key and keeps the others", async () => {
    await put(localFile(), '{"model": "m", "env": {"A": "1", "B": "2"}}');
    expect((await cairn("unset", "env.A")).code).toBe(0);
    expect(await json(localFile())).toEqual({ model: "m", env: { B: "2" } });
    expect((await cairn("unset", "env.A")).code).toBe(1);
  });
});

describe("cairn config list", () => {
  it("prints the effective settings and which files set each key", async () => {
    await put(
      join(home, ".claude", "settings.json"),
      '{"model": "a", "permissions": {"allow": ["Read"]}}',
    );
    await put(
      projectFile(),
      '{"model": "b", "permissions": {"allow": ["Bash"], "deny": ["WebFetch"]}}',
    );
    await put(managedPath, '{"cleanupPeriodDays": 5}');
    const result = await cairn("list");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      settings: {
        model: "b",
        permissions: { allow: ["Read"], deny: ["WebFetch"] },
        cleanupPeriodDays: 5,
      },
      sources: {
        model: [projectFile(), join(home, ".claude", "settings.json")],
        permissions: [projectFile(), join(home, ".claude", "settings.json")],
        cleanupPeriodDays: [managedPath],
      },
      ignored: { [projectFile()]: ["permissions.allow"] },
    });
    expect(result.stderr).toContain("is not a trusted folder");

    await trustFolder(root, join(home, ".cairn"));
    const trusted = JSON.parse((await cairn("list")).stdout) as {
      settings: unknown;
      ignored?: unknown;
    };
    expect(trusted.settings).toEqual({
      model: "b",
      permissions: { allow: ["Read", "Bash"], deny: ["WebFetch"] },
      cleanupPeriodDays: 5,
    });
    expect(trusted.ignored).toBeUndefined();
  });

  it("reports a broken file with its place and exits 1", async () => {
    await put(projectFile(), '{"permissions": {"allow": ["Read", 7]}}');
    const result = await cairn("list");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      `cairn: settings: ${projectFile()}: permissions.allow[1]: expected a string like "Bash(npm test:*)", got a number`,
    );
  });
});

describe("cairn config usage", () => {
  it("prints usage on stderr and exits 2 for an unknown or incomplete command", async () => {
    for (const argv of [
      [],
      ["frobnicate"],
      ["set", "model"],
      ["get"],
      ["set", "--scope", "global", "model", "x"],
    ]) {
      const result = await cairn(...argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("Usage: cairn config");
    }
  });

  it("prints usage on stdout for help", async () => {
    const result = await cairn("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: cairn config");
  });

  it("explains a malformed key path", async () => {
    const result = await cairn("set", "permissions..allow", "x");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not a settings key path (an empty key)");
  });
});
