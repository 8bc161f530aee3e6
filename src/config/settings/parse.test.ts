import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CairnError } from "../../core/errors.ts";
import { findJsonSyntaxProblem } from "./json-syntax.ts";
import { parseSettingsText, parseSettingsValue } from "./parse.ts";

const FILE = "/repo/.cairn/settings.json";

function failure(text: string): CairnError {
  try {
    parseSettingsText(text, FILE);
  } catch (error) {
    if (error instanceof CairnError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe("settings › JSON syntax errors name the file, line and column", () => {
  const cases: Array<[name: string, text: string, where: string, why: string]> = [
    [
      "a trailing comma in an object",
      '{\n  "model": "x",\n}',
      "line 2, column 15",
      "trailing comma before '}'",
    ],
    [
      "a trailing comma in a list",
      '{\n  "permissions": {\n    "allow": ["Read", "Bash(ls)",]\n  }\n}',
      "line 3, column 33",
      "trailing comma before ']'",
    ],
    [
      "a missing comma",
      '{\n  "model": "x"\n  "env": {}\n}',
      "line 3, column 3",
      "expected ',' or '}' after a property value, found '\"'",
    ],
    [
      "a missing colon",
      '{"model" "x"}',
      "line 1, column 10",
      "expected ':' after the property name",
    ],
    [
      "a comment",
      '{\n  // mine\n  "model": "x"\n}',
      "line 2, column 3",
      "comments are not allowed in JSON",
    ],
    [
      "single quotes",
      "{'model': 'x'}",
      "line 1, column 2",
      "property names need double quotes, not single quotes",
    ],
    ["a bare word", '{"autoCompactEnabled": yes}', "line 1, column 24", "unexpected 'yes'"],
    [
      "an unclosed object",
      '{\n  "model": "x"\n',
      "line 3, column 1",
      "the '{' at line 1, column 1 is never closed with '}'",
    ],
    ["an unclosed string", '{"model": "x}', "line 1, column 11", "a string is never closed"],
    [
      "text after the object",
      '{"model": "x"}\n}',
      "line 2, column 1",
      "unexpected '}' after the end of the JSON value",
    ],
    ["a leading zero", '{"cleanupPeriodDays": 07}', "line 1, column 23", "invalid number"],
    ["a bad escape", '{"model": "a\\qb"}', "line 1, column 13", "invalid escape '\\q'"],
  ];
  for (const [name, text, where, why] of cases) {
    it(`reports ${name}`, () => {
      const error = failure(text);
      expect(error.code).toBe("bad_config");
      expect(error.message).toContain(`settings: ${FILE}: ${where}: `);
      expect(error.message).toContain(why);
      expect(error.hint).toMatch(/strict JSON/);
    });
  }

  it("counts columns in characters, not UTF-16 units", () => {
    expect(failure('{"model": "🦊" "env": {}}').message).toContain("line 1, column 15");
  });

  it("treats an empty or blank file as an error that says to write {}", () => {
    for (const text of ["", "  \n\t\n"]) {
      const error = failure(text);
      expect(error.message).toBe(`settings: ${FILE}: the file is empty`);
      expect(error.hint).toContain("Write {}");
    }
  });

  it("accepts a byte order mark", () => {
    expect(parseSettingsText('\uFEFF{"model": "x"}', FILE).settings).toEqual({ model: "x" });
  });

  it("agrees with JSON.parse on what is valid", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(findJsonSyntaxProblem(text)).toBeUndefined();
      }),
    );
    const nearlyJson = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom(",", "}", "]", "'", "/", "\n", '"', "x", "0", "-", ".", "\\", ":", " "),
      )
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i);
      });
    fc.assert(
      fc.property(nearlyJson, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const problem = findJsonSyntaxProblem(text);
        expect(problem === undefined).toBe(valid);
        if (problem) expect(problem.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("settings › wrong values name the key path and what was expected", () => {
  const cases: Array<[name: string, value: unknown, message: string]> = [
    [
      "a number among rules",
      { permissions: { allow: ["Read", "Bash(ls)", 3] } },
      'permissions.allow[2]: expected a string like "Bash(npm test:*)", got a number',
    ],
    [
      "a rule list that is a string",
      { permissions: { deny: "Read(.env)" } },
      "permissions.deny: expected a list [...], got a string",
    ],
    [
      "an unknown mode",
      { permissions: { defaultMode: "yolo" } },
      'permissions.defaultMode: expected one of "default", "acceptEdits", "plan", "dontAsk", "bypassPermissions", got "yolo"',
    ],
    [
      "a bypass switch other than disable",
      { permissions: { disableBypassPermissionsMode: true } },
      'permissions.disableBypassPermissionsMode: expected "disable", got true',
    ],
    [
      "a number in env",
      { env: { DEBUG: 1 } },
      'env.DEBUG: expected a string (numbers and booleans go in quotes: "1"), got a number',
    ],
    [
      "negative retention",
      { cleanupPeriodDays: -1 },
      "cleanupPeriodDays: expected a whole number of days, 0 or more, got -1",
    ],
    [
      "fractional retention",
      { cleanupPeriodDays: 1.5 },
      "cleanupPeriodDays: expected a whole number of days, got 1.5",
    ],
    [
      "a threshold above 1",
      { autoCompactThreshold: 80 },
      "autoCompactThreshold: expected a fraction between 0.1 and 1, got 80",
    ],
    [
      "a string boolean",
      { autoCompactEnabled: "true" },
      'autoCompactEnabled: expected true or false, got a string ("true")',
    ],
    [
      "a hook without a command",
      { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command" }] }] } },
      "hooks.PreToolUse[0].hooks[0].command: missing, expected a string",
    ],
    [
      "a hook of an unknown type",
      { hooks: { Stop: [{ hooks: [{ type: "script", command: "x" }] }] } },
      'hooks.Stop[0].hooks[0].type: expected one of "command", "http", "prompt", "agent", "mcp_tool", got "script"',
    ],
    [
      "a provider without a type",
      { providers: { local: { baseUrl: "http://localhost:11434/v1" } } },
      'providers.local.type: missing, expected one of "anthropic", "openai-chat", "openai-responses"',
    ],
    [
      "a provider URL that is not http",
      { providers: { local: { type: "openai-chat", baseUrl: "localhost:11434" } } },
      'providers.local.baseUrl: expected an http(s) URL like "http://localhost:11434/v1", got "localhost:11434"',
    ],
    [
      "a key instead of the name of its variable",
      {
        providers: {
          p: { type: "anthropic", baseUrl: "https://x.example/v1", apiKeyEnv: "sk-abc-123" },
        },
      },
      'providers.p.apiKeyEnv: expected the name of an environment variable like "MY_SERVER_KEY"',
    ],
    [
      "a provider name with a slash",
      { providers: { "a/b": { type: "anthropic", baseUrl: "https://x.example" } } },
      'providers: key "a/b": expected a provider name',
    ],
    [
      "a context window that is not whole",
      {
        providers: {
          p: {
            type: "anthropic",
            baseUrl: "https://x.example",
            models: { m: { contextWindow: 1.5 } },
          },
        },
      },
      "providers.p.models.m.contextWindow: expected a whole number, got 1.5",
    ],
    [
      "a quoted model id",
      {
        providers: {
          p: {
            type: "anthropic",
            baseUrl: "https://x.example",
            models: { "gpt-4.1": { outputPrice: -1 } },
          },
        },
      },
      'providers.p.models["gpt-4.1"].outputPrice: expected US dollars per million tokens, 0 or more, got -1',
    ],
  ];
  for (const [name, value, message] of cases) {
    it(`reports ${name}`, () => {
      const error = failure(JSON.stringify(value));
      expect(error.code).toBe("bad_config");
      expect(error.message).toContain(`settings: ${FILE}: ${message}`);
    });
  }

  it("lists further problems in the hint", () => {
    const error = failure(JSON.stringify({ model: 1, cleanupPeriodDays: "x" }));
    expect(error.message).toContain("model: expected");
    expect(error.hint).toContain('Also: cleanupPeriodDays: expected a number, got a string ("x")');
  });

  it("refuses a file that is not an object at the top level", () => {
    expect(failure('["Read"]').message).toBe(
      `settings: ${FILE}: expected an object {...} at the top level, got a list`,
    );
    expect(failure("null").message).toContain("got null");
    expect(failure('"model"').message).toContain("got a string");
  });
});

describe("settings › keys", () => {
  it("warns about an unknown key, naming the file and a near name, and drops it", () => {
    const parsed = parseSettingsText(
      JSON.stringify({ permisions: { allow: ["Bash"] }, model: "m", bogusThing: 1 }),
      FILE,
    );
    expect(parsed.settings).toEqual({ model: "m" });
    expect(parsed.warnings).toEqual([
      `settings: ${FILE}: unknown key permisions (did you mean permissions?), ignored`,
      `settings: ${FILE}: unknown key bogusThing, ignored`,
    ]);
  });

  it("warns about unknown keys inside known objects", () => {
    const parsed = parseSettingsValue(
      {
        permissions: { alow: ["Read"], deny: ["Read(.env)"] },
        sandbox: { network: { allowedDomain: [] } },
      },
      FILE,
    );
    expect(parsed.settings).toEqual({
      permissions: { deny: ["Read(.env)"] },
      sandbox: { network: {} },
    });
    expect(parsed.warnings).toEqual([
      `settings: ${FILE}: unknown key permissions.alow (did you mean permissions.allow?), ignored`,
      `settings: ${FILE}: unknown key sandbox.network.allowedDomain (did you mean sandbox.network.allowedDomains?), ignored`,
    ]);
    expect(parsed.unknownKeys.map((k) => k.path)).toEqual([
      "permissions.alow",
      "sandbox.network.allowedDomain",
    ]);
  });

  it("still reports a wrong type when the file also has unknown keys", () => {
    expect(failure(JSON.stringify({ modle: "x", model: 3 })).message).toContain("model: expected");
  });

  it("accepts keys Claude Code documents without a warning, values unchecked", () => {
    const value = {
      $schema: "https://json.schemastore.org/claude-code-settings.json",
      statusLine: { type: "command", command: "~/bin/status" },
      includeCoAuthoredBy: false,
      enableAllProjectMcpServers: true,
      enabledMcpjsonServers: ["a"],
      outputStyle: "Explanatory",
      theme: "dark",
    };
    const parsed = parseSettingsValue(value, FILE);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.settings).toEqual(value);
  });

  it("reads the mode Manual as default", () => {
    expect(parseSettingsValue({ permissions: { defaultMode: "manual" } }, FILE).settings).toEqual({
      permissions: { defaultMode: "default" },
    });
  });

  it("ignores Claude Code's auto mode with a warning instead of refusing the file", () => {
    const parsed = parseSettingsValue(
      { permissions: { defaultMode: "auto", deny: ["WebFetch"] } },
      FILE,
    );
    expect(parsed.settings).toEqual({ permissions: { deny: ["WebFetch"] } });
    expect(parsed.warnings[0]).toContain('permissions.defaultMode "auto" is not supported');
  });

  it("accepts a full Claude Code style file", () => {
    const value = {
      model: "anthropic/claude-sonnet-4-5",
      permissions: {
        allow: ["Bash(npm test:*)", "Read(~/.zshrc)"],
        ask: ["Bash(git push:*)"],
        deny: ["Read(./.env)", "WebFetch"],
        defaultMode: "acceptEdits",
        additionalDirectories: ["../docs/"],
        disableBypassPermissionsMode: "disable",
      },
      env: { CLAUDE_CODE_ENABLE_TELEMETRY: "0" },
      hooks: {
        PostToolUse: [
          {
            matcher: "Edit|Write",
            hooks: [{ type: "command", command: "npx prettier --write", timeout: 30 }],
          },
        ],
        Stop: [{ hooks: [{ type: "prompt", prompt: "Done?" }] }],
      },
      sandbox: { enabled: true, network: { allowedDomains: ["github.com"] } },
      apiKeyHelper: "~/bin/key.sh",
      cleanupPeriodDays: 20,
      autoCompactEnabled: true,
      autoCompactThreshold: 0.8,
      providers: {
        ollama: {
          type: "openai-chat",
          baseUrl: "http://localhost:11434/v1",
          models: { "qwen3:32b": { contextWindow: 40960, maxOutputTokens: 8192 } },
        },
        gateway: {
          type: "anthropic",
          baseUrl: "https://llm.example.com",
          apiKeyEnv: "GATEWAY_KEY",
          headers: { "x-team": "tools" },
          models: { "claude-x": { inputPrice: 3, outputPrice: 15 } },
        },
      },
    };
    const parsed = parseSettingsValue(value, FILE);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.settings).toEqual(value);
  });
});
