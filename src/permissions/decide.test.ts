import fc from "fast-check";
import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { isWithin, type ResolvedPath } from "../tools/index.ts";
import type { CommandFacts, Operand, OperandRole } from "./command-facts.ts";
import {
  decide,
  type DecisionContext,
  type PermissionMode,
  type PermissionPolicy,
  type PermissionQuery,
  type ResolvedAccess,
} from "./decide.ts";
import { parseRule, splitRuleList } from "./rules.ts";
import type { Hazard, Redirect, SimpleCommand } from "./shell/types.ts";

const WS = "/work/proj";
const context: DecisionContext = {
  cwd: WS,
  home: "/home/me",
  platform: "linux",
  roots: [WS],
  gitDirs: [],
};

const rules = (...r: string[]) => r.map((x) => parseRule(x, "test", WS));
const policy = (p: Partial<PermissionPolicy> = {}): PermissionPolicy => ({
  mode: "default",
  allow: [],
  ask: [],
  deny: [],
  ...p,
});

/** A path as resolvePath would give it: relative to the workspace, `real` when a link moved it. */
function path(written: string, real?: string): ResolvedPath {
  const absolute = posix.resolve(WS, written);
  const resolved = real === undefined ? absolute : posix.resolve(WS, real);
  const inside = isWithin(WS, resolved);
  return {
    absolute,
    real: resolved,
    inside,
    display: inside ? posix.relative(WS, resolved) : absolute,
  };
}

const query = (toolName: string, readOnly: boolean, access: ResolvedAccess): PermissionQuery => ({
  toolName,
  readOnly,
  access,
  context,
});
const read = (tool: string, ...paths: ResolvedPath[]) => query(tool, true, { kind: "read", paths });
const write = (tool: string, ...paths: ResolvedPath[]) =>
  query(tool, false, { kind: "write", paths });
const fetch = (url: string) => query("WebFetch", true, { kind: "network", url });

/** A simple command from space-separated literal words, with optional redirects. */
function simple(text: string, redirects: [string, string][] = []): SimpleCommand {
  const words = text.split(" ").filter((w) => w !== "");
  return {
    text,
    assignments: [],
    argv: words.map((value) =>
      /[*?$]/.test(value) ? { kind: "dynamic", text: value } : { kind: "literal", value },
    ),
    redirects: redirects.map(([operator, target]): Redirect => ({
      operator,
      target: { kind: "literal", value: target },
      writes: operator.includes(">") && target !== "/dev/null",
    })),
  };
}

/** Facts as command-facts.ts would gather them, for a workspace without symlinks. */
function bash(texts: (string | SimpleCommand)[], hazards: Hazard[] = []): PermissionQuery {
  const commands = texts.map((t) => (typeof t === "string" ? simple(t) : t));
  const facts: CommandFacts = {
    analysis: { kind: "parsed", commands, hazards },
    commands: commands.map((command) => {
      const operands: Operand[] = [];
      const unresolved: { text: string; role: OperandRole }[] = [];
      command.argv.slice(1).forEach((word) => {
        if (word.kind === "dynamic") unresolved.push({ text: word.text, role: "argument" });
        else if (!word.value.startsWith("-"))
          operands.push({ word: word.value, role: "argument", resolved: [path(word.value)] });
      });
      for (const r of command.redirects) {
        if (r.target.kind !== "literal" || r.target.value === "/dev/null") continue;
        const role = r.writes ? "output" : "input";
        operands.push({ word: r.target.value, role, resolved: [path(r.target.value)] });
      }
      return { command, cwds: [WS], operands, unresolved };
    }),
  };
  return query("Bash", false, {
    kind: "command",
    command: commands.map((c) => c.text).join(" && "),
    facts,
  });
}
const unparsable = (): PermissionQuery =>
  query("Bash", false, {
    kind: "command",
    command: "echo 'unterminated",
    facts: { analysis: { kind: "unparsable", reason: "syntax error" }, commands: [] },
  });

const behavior = (p: PermissionPolicy, q: PermissionQuery) => decide(p, q).behavior;

describe("decide › modes", () => {
  const modes: PermissionMode[] = [
    "default",
    "acceptEdits",
    "plan",
    "dontAsk",
    "bypassPermissions",
  ];
  const cases: [string, PermissionQuery, Record<PermissionMode, string>][] = [
    [
      "a read inside the workspace",
      read("Read", path("src/a.ts")),
      {
        default: "allow",
        acceptEdits: "allow",
        plan: "allow",
        dontAsk: "allow",
        bypassPermissions: "allow",
      },
    ],
    [
      "a write inside the workspace",
      write("Edit", path("src/a.ts")),
      {
        default: "ask",
        acceptEdits: "allow",
        plan: "deny",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a read outside the workspace",
      read("Read", path("/etc/hosts")),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "ask",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a write outside the workspace",
      write("Write", path("../other/x")),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "deny",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a write to a protected path",
      write("Write", path(".git/hooks/pre-commit")),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "deny",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a read-only command",
      bash(["ls src"]),
      {
        default: "allow",
        acceptEdits: "allow",
        plan: "allow",
        dontAsk: "allow",
        bypassPermissions: "allow",
      },
    ],
    [
      "a command that is not read-only",
      bash(["npm install"]),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "deny",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a command that did not parse",
      unparsable(),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "deny",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
    [
      "a fetch",
      fetch("https://example.com/"),
      {
        default: "ask",
        acceptEdits: "ask",
        plan: "ask",
        dontAsk: "deny",
        bypassPermissions: "allow",
      },
    ],
  ];
  for (const [name, q, expected] of cases) {
    for (const mode of modes) {
      it(`${name} in ${mode}: ${expected[mode]}`, () => {
        expect(behavior(policy({ mode }), q)).toBe(expected[mode]);
      });
    }
  }
});

describe("decide › rule kinds", () => {
  it.each([
    // [rule list, rule, query, expected]
    ["allow", "Edit(src/**)", write("Edit", path("src/a.ts")), "allow"],
    ["allow", "Edit(src/**)", write("Edit", path("lib/a.ts")), "ask"],
    ["allow", "Edit(src/**)", write("Write", path("src/new.ts")), "allow"],
    ["allow", "Edit(src/**)", write("MultiEdit", path("src/a.ts")), "allow"],
    ["allow", "Edit(src/**)", write("apply_patch", path("src/a.ts"), path("lib/b.ts")), "ask"],
    ["allow", "Write(/docs/**)", write("Write", path("docs/a.md")), "allow"],
    ["allow", "Edit", write("Write", path("a.txt")), "allow"],
    ["deny", "Read(.env)", read("Read", path(".env")), "deny"],
    ["deny", "Read(.env)", read("Read", path("config/.env")), "deny"],
    ["deny", "Read(./.env)", read("Read", path("config/.env")), "allow"],
    ["deny", "Read(secrets/**)", read("Grep", path("secrets")), "deny"],
    ["deny", "Read(secrets/**)", read("Glob", path("secrets/deep")), "deny"],
    ["deny", "Read(secrets/**)", read("LS", path(".")), "allow"],
    ["deny", "Read(//etc/**)", read("Read", path("/etc/passwd")), "deny"],
    ["deny", "Read(~/.ssh/**)", read("Read", path("/home/me/.ssh/id_rsa")), "deny"],
    ["deny", "Edit(.env)", write("Write", path(".env")), "deny"],
    ["deny", "Edit(.env)", read("Read", path(".env")), "allow"],
    ["ask", "Read(*.pem)", read("Read", path("k/server.pem")), "ask"],
    ["allow", "WebFetch(domain:example.com)", fetch("https://example.com/x"), "allow"],
    ["allow", "WebFetch(domain:example.com)", fetch("https://api.example.com/x"), "ask"],
    ["allow", "WebFetch(domain:*.example.com)", fetch("https://api.example.com/x"), "allow"],
    ["allow", "WebFetch(domain:*)", fetch("https://anything.test/"), "allow"],
    ["allow", "WebFetch", fetch("https://anything.test/"), "allow"],
    ["deny", "WebFetch(domain:evil.test)", fetch("https://EVIL.test./x"), "deny"],
    ["deny", "WebFetch(domain:evil.test)", fetch("https://good.test/"), "ask"],
    ["deny", "Bash(curl:*)", bash(["curl https://x.test"]), "deny"],
    ["deny", "Bash(curl:*)", bash(["ls", "curl https://x.test"]), "deny"],
    ["allow", "Bash(npm test:*)", bash(["npm test -- --watch"]), "allow"],
    ["allow", "Bash(npm test:*)", bash(["npm test", "npm publish"]), "ask"],
    ["allow", "Bash", bash(["anything goes"]), "allow"],
    ["allow", "Bash(*)", bash(["anything goes"]), "allow"],
  ] as const)("%s %s on %#: %s", (list, rule, q, expected) => {
    expect(behavior(policy({ [list]: rules(rule) }), q)).toBe(expected);
  });

  it("treats Task and Agent as one tool, and mcp__server as all its tools", () => {
    const agent = query("Agent", false, { kind: "none" });
    expect(behavior(policy({ deny: rules("Task") }), agent)).toBe("deny");
    const mcp = query("mcp__github__create_issue", false, { kind: "none" });
    expect(behavior(policy({ allow: rules("mcp__github") }), mcp)).toBe("allow");
    expect(behavior(policy({ allow: rules("mcp__github__*") }), mcp)).toBe("allow");
    expect(behavior(policy({ allow: rules("mcp__gitlab") }), mcp)).toBe("ask");
  });

  it("fails safe on specifiers it cannot judge: they restrict but never grant", () => {
    const agent = query("Agent", false, { kind: "none" });
    expect(behavior(policy({ allow: rules("Agent(Explore)") }), agent)).toBe("ask");
    expect(behavior(policy({ deny: rules("Agent(Explore)") }), agent)).toBe("deny");
    expect(
      behavior(policy({ deny: rules("WebFetch(https://x.test/)") }), fetch("https://y.test/")),
    ).toBe("deny");
  });

  it("names the rule that decided", () => {
    expect(decide(policy({ deny: rules("Read(.env)") }), read("Read", path(".env")))).toMatchObject(
      {
        behavior: "deny",
        rule: "Read(.env)",
      },
    );
    expect(
      decide(
        policy({ allow: rules("Bash(npm test:*)", "Bash(npm run lint:*)") }),
        bash(["npm test", "npm run lint"]),
      ),
    ).toMatchObject({ behavior: "allow", rule: "Bash(npm test:*), Bash(npm run lint:*)" });
    expect(decide(policy(), bash(["npm install"]))).toMatchObject({
      behavior: "ask",
      reason: expect.stringContaining(
        "`npm install` is not allowed by a rule and is not read-only",
      ) as unknown,
    });
  });
});

describe("decide › precedence", () => {
  const edit = write("Edit", path("src/a.ts"));
  it("deny beats ask beats allow, whatever their specificity", () => {
    expect(decide(policy({ allow: rules("Edit"), deny: rules("Edit") }), edit)).toMatchObject({
      behavior: "deny",
      rule: "Edit",
    });
    expect(behavior(policy({ allow: rules("Edit(src/a.ts)"), ask: rules("Edit") }), edit)).toBe(
      "ask",
    );
    expect(behavior(policy({ allow: rules("Edit"), deny: rules("Edit(src/**)") }), edit)).toBe(
      "deny",
    );
    expect(behavior(policy({ allow: rules("Edit") }), edit)).toBe("allow");
  });

  it("holds deny and ask rules in bypassPermissions mode", () => {
    expect(
      behavior(policy({ mode: "bypassPermissions", deny: rules("Read") }), read("Read", path("a"))),
    ).toBe("deny");
    expect(behavior(policy({ mode: "bypassPermissions", ask: rules("Edit") }), edit)).toBe("ask");
    expect(behavior(policy({ mode: "dontAsk", ask: rules("Read") }), read("Read", path("a")))).toBe(
      "deny",
    );
  });

  it("does not let an allow rule or acceptEdits approve a protected path, existing or not", () => {
    for (const target of [
      ".git/config",
      "sub/.git/hooks/pre-commit",
      ".claude/settings.json",
      ".mcp.json",
      ".vscode/tasks.json",
      ".bashrc",
      ".envrc",
      ".cairn/settings.json",
    ]) {
      const q = write("Write", path(target));
      expect(behavior(policy({ allow: rules("Write", "Edit(**)") }), q)).toBe("ask");
      expect(behavior(policy({ mode: "acceptEdits" }), q)).toBe("ask");
      expect(behavior(policy({ mode: "bypassPermissions" }), q)).toBe("allow");
    }
  });

  it("protects a git folder a .git file points to, and paths reached through a link", () => {
    const q = write("Write", path("store/hooks/pre-commit"));
    expect(behavior(policy({ mode: "acceptEdits" }), q)).toBe("allow");
    expect(
      behavior(policy({ mode: "acceptEdits" }), {
        ...q,
        context: { ...context, gitDirs: [`${WS}/store`] },
      }),
    ).toBe("ask");
    expect(
      behavior(
        policy({ mode: "acceptEdits" }),
        write("Write", path("hooks-link/x", ".git/hooks/x")),
      ),
    ).toBe("ask");
  });

  it("lets plan mode refuse changes even when a rule allows them", () => {
    expect(behavior(policy({ mode: "plan", allow: rules("Edit") }), edit)).toBe("deny");
    expect(
      behavior(policy({ mode: "plan", allow: rules("Bash(npm test:*)") }), bash(["npm test"])),
    ).toBe("deny");
  });
});

describe("decide › the workspace boundary", () => {
  it("judges the real path: a link inside the workspace pointing outside asks", () => {
    const link = read("Read", path("link/passwd", "/etc/passwd"));
    expect(behavior(policy(), link)).toBe("ask");
    expect(behavior(policy({ mode: "acceptEdits" }), write("Edit", path("link/x", "/etc/x")))).toBe(
      "ask",
    );
  });

  it("does not take a sibling folder with the same prefix for the workspace", () => {
    expect(behavior(policy(), read("Read", path("../proj-evil/x")))).toBe("ask");
    expect(
      behavior(policy({ mode: "acceptEdits" }), write("Edit", path("/work/proj-evil/x"))),
    ).toBe("ask");
  });

  it("lets a rule that names the outside path grant it, but not a bare tool rule", () => {
    expect(behavior(policy({ allow: rules("Read") }), read("Read", path("/etc/hosts")))).toBe(
      "ask",
    );
    expect(
      behavior(policy({ allow: rules("Read(//etc/**)") }), read("Read", path("/etc/hosts"))),
    ).toBe("allow");
    expect(
      behavior(policy({ allow: rules("Read(//etc/**)") }), read("Read", path("x", "/etc/hosts"))),
    ).toBe("allow");
    // A rule matching only the spelling, not where the link leads, grants nothing outside.
    expect(
      behavior(policy({ allow: rules("Read(link/**)") }), read("Read", path("link/x", "/etc/x"))),
    ).toBe("ask");
  });

  it("denies a path whose spelling or real path a deny rule covers", () => {
    const deny = policy({ deny: rules("Read(.env)") });
    expect(behavior(deny, read("Read", path("innocent", ".env")))).toBe("deny");
    expect(behavior(deny, read("Read", path("src/../.env")))).toBe("deny");
    expect(behavior(deny, read("Read", path(".env", "elsewhere/file")))).toBe("deny");
  });
});

describe("decide › Bash", () => {
  it("lets Read deny rules cover the files a command names", () => {
    const deny = policy({ deny: rules("Read(.env)") });
    for (const command of [
      bash(["cat .env"]),
      bash(["cp .env x"]),
      bash(["grep x .env"]),
      bash(["cat ./config/../.env"]),
      bash([simple("cat", [["<", ".env"]])]),
      bash(["ls", "head -n 1 .env"]),
    ]) {
      expect(decide(deny, command)).toMatchObject({ behavior: "deny", rule: "Read(.env)" });
    }
    expect(behavior(deny, bash(["cat README.md"]))).toBe("allow");
    expect(behavior({ ...deny, mode: "bypassPermissions" }, bash(["cat .env"]))).toBe("deny");
  });

  it("asks when a word that cannot be resolved might name what a Read deny rule covers", () => {
    const q = bash(["cat $F"]);
    expect(behavior(policy({ deny: rules("Read(.env)"), allow: rules("Bash(cat:*)") }), q)).toBe(
      "ask",
    );
  });

  it("asks instead of allowing a command it cannot check against deny rules, even in bypass", () => {
    const hidden = bash(["ls"], [{ kind: "command_substitution", text: "$(curl x)" }]);
    const p = policy({ mode: "bypassPermissions", deny: rules("Bash(curl:*)") });
    expect(behavior(p, hidden)).toBe("ask");
    expect(behavior(p, unparsable())).toBe("ask");
    expect(behavior({ ...p, deny: [] }, hidden)).toBe("allow");
  });

  it("never auto-approves hazards, even inside allowed commands", () => {
    const q = bash(["git status"], [{ kind: "command_substitution", text: "$(rm -rf x)" }]);
    expect(behavior(policy({ allow: rules("Bash(git status:*)") }), q)).toBe("ask");
  });

  it("checks redirects as writes: protected paths ask, others need an Edit rule or acceptEdits", () => {
    const toFile = bash([simple("echo hi", [[">", "out.txt"]])]);
    expect(behavior(policy({ allow: rules("Bash(echo:*)") }), toFile)).toBe("ask");
    expect(behavior(policy({ allow: rules("Bash(echo:*)", "Edit(out.txt)") }), toFile)).toBe(
      "allow",
    );
    expect(behavior(policy({ mode: "acceptEdits", allow: rules("Bash(echo:*)") }), toFile)).toBe(
      "allow",
    );
    const toNull = bash([simple("echo hi", [[">", "/dev/null"]])]);
    expect(behavior(policy(), toNull)).toBe("allow");
    const toRc = bash([simple("echo evil", [[">>", ".bashrc"]])]);
    expect(behavior(policy({ allow: rules("Bash", "Edit") }), toRc)).toBe("ask");
    const outside = bash([simple("echo x", [[">", "/tmp/x"]])]);
    expect(behavior(policy({ mode: "acceptEdits", allow: rules("Bash(echo:*)") }), outside)).toBe(
      "ask",
    );
    expect(behavior(policy({ deny: rules("Edit(out.txt)") }), toFile)).toBe("deny");
  });

  it("lets the read tools, and nothing else, into the session's output folder", () => {
    const withOutput = (q: PermissionQuery): PermissionQuery => ({
      ...q,
      context: { ...q.context, readable: ["/tmp/cairn-0123"] },
    });
    const spill = path("/tmp/cairn-0123/bash-1.log");
    expect(behavior(policy(), withOutput(read("Read", spill)))).toBe("allow");
    expect(behavior(policy(), withOutput(read("Grep", spill)))).toBe("allow");
    // A link inside it is judged where it leads.
    const link = path("/tmp/cairn-0123/link", "/home/me/.ssh/id_rsa");
    expect(behavior(policy(), withOutput(read("Read", link)))).toBe("ask");
    expect(behavior(policy(), withOutput(write("Write", spill)))).toBe("ask");
    expect(
      behavior(policy({ deny: rules("Read(//tmp/**)") }), withOutput(read("Read", spill))),
    ).toBe("deny");
    // Without the folder in the context, the same read is outside the workspace.
    expect(behavior(policy(), read("Read", spill))).toBe("ask");
  });

  it("asks before a read-only command reads outside the workspace", () => {
    expect(behavior(policy(), bash(["cat /etc/passwd"]))).toBe("ask");
    expect(behavior(policy(), bash(["cat ../proj-evil/x"]))).toBe("ask");
    expect(behavior(policy(), bash(["cat src/a.ts"]))).toBe("allow");
  });

  it("asks before a command that is not read-only names a protected path", () => {
    expect(
      behavior(policy({ allow: rules("Bash(cp:*)") }), bash(["cp evil .git/hooks/pre-commit"])),
    ).toBe("ask");
    expect(behavior(policy(), bash(["cat .git/config"]))).toBe("allow");
  });

  it("asks before removing a critical path, even in bypass, and denies it in dontAsk", () => {
    for (const target of ["/", "/home/me", WS]) {
      const q = bash([`rm -rf ${target}`]);
      expect(behavior(policy({ mode: "bypassPermissions" }), q)).toBe("ask");
      expect(behavior(policy({ allow: rules("Bash(rm:*)") }), q)).toBe("ask");
      expect(behavior(policy({ mode: "dontAsk", allow: rules("Bash") }), q)).toBe("deny");
    }
    expect(behavior(policy({ mode: "bypassPermissions" }), bash(["rm -rf build"]))).toBe("allow");
  });

  it("lets WebFetch deny rules cover URLs a command names", () => {
    expect(
      behavior(
        policy({ deny: rules("WebFetch(domain:evil.test)") }),
        bash(["curl https://evil.test/x"]),
      ),
    ).toBe("deny");
  });

  it("asks for a command it could not parse, and names the reason", () => {
    expect(decide(policy(), unparsable())).toMatchObject({
      behavior: "ask",
      reason: expect.stringContaining("could not be parsed") as unknown,
    });
  });
});

describe("decide › properties", () => {
  const programs = fc.constantFrom("zz-build", "deploy", "make", "python3", "node", "curl", "sh");
  const allowedPrograms = fc.constantFrom(
    "npm test",
    "git status",
    "ls",
    "cat a.txt",
    "npm run lint",
  );
  const ruleText = fc.constantFrom(
    "Bash(npm test:*)",
    "Bash(git status:*)",
    "Bash(npm run lint:*)",
    "Bash(ls:*)",
  );

  it("never allows a command with a simple command no rule allows and that is not read-only", () => {
    fc.assert(
      fc.property(
        fc.array(allowedPrograms, { maxLength: 4 }),
        programs,
        fc.nat(4),
        fc.array(ruleText, { maxLength: 4 }),
        fc.constantFrom<PermissionMode>("default", "acceptEdits", "plan", "dontAsk"),
        (allowed, stranger, at, ruleTexts, mode) => {
          const texts: string[] = [...allowed];
          texts.splice(Math.min(at, texts.length), 0, `${stranger} --flag arg`);
          const p = policy({ mode, allow: rules(...ruleTexts) });
          expect(behavior(p, bash(texts))).not.toBe("allow");
        },
      ),
    );
  });
});

describe("rule lists", () => {
  it("split on commas and spaces outside parentheses", () => {
    expect(splitRuleList(["Read,Write", "Bash(git log *) Edit"])).toEqual([
      "Read",
      "Write",
      "Bash(git log *)",
      "Edit",
    ]);
  });

  it("reject text that is not a rule, and domains that are not host names", () => {
    expect(() => parseRule("Bash(", "--allowedTools")).toThrow(
      '--allowedTools: "Bash(" is not a permission rule',
    );
    expect(() => parseRule("WebFetch(domain:https://x.test/)", "--allowedTools")).toThrow(
      "names no valid domain",
    );
  });
});
