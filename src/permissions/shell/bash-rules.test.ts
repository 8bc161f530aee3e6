import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze.ts";
import { bashRuleMatches, bashRuleMayMatch } from "./bash-rules.ts";
import { createShellParser } from "./parser.ts";
import type { SimpleCommand, Word } from "./types.ts";

const parser = createShellParser();

/** The commands of a line, as the caller would see them. */
async function commandsOf(line: string): Promise<SimpleCommand[]> {
  const result = await analyzeCommand(parser, line);
  if (result.kind !== "parsed") throw new Error(`unparsable: ${result.reason}`);
  return result.commands;
}

/** True when every simple command of the line matches the rule (what an allow needs). */
async function allows(rule: string, line: string): Promise<boolean> {
  return (await commandsOf(line)).every((c) => bashRuleMatches(rule, c));
}

function command(...argv: (string | { dynamic: string })[]): SimpleCommand {
  const words: Word[] = argv.map((w) =>
    typeof w === "string" ? { kind: "literal", value: w } : { kind: "dynamic", text: w.dynamic },
  );
  const text = words.map((w) => (w.kind === "literal" ? w.value : w.text)).join(" ");
  return { text, assignments: [], argv: words, redirects: [] };
}

describe("bashRuleMatches", () => {
  const cases: [rule: string, line: string, matches: boolean][] = [
    // legacy prefix `:*`
    ["npm run test:*", "npm run test", true],
    ["npm run test:*", "npm run test --watch", true],
    ["npm run test:*", "npm run testing", false],
    ["npm run test:*", "npm run tes", false],
    ["npm run test:*", "npm run", false],
    ["npm run test:*", "npm  run   test", true],
    ["npm run test:*", "npm 'run test'", false],
    // trailing ` *`: a word boundary, and the bare command matches too
    ["git log *", "git log", true],
    ["git log *", "git log -p", true],
    ["git log *", "git log --oneline -n 5", true],
    ["git log *", "git logx", false],
    ["git log *", "git", false],
    ["ls *", "lsof", false],
    // `*` without a space: any text, spaces included
    ["ls*", "lsof", true],
    ["ls*", "ls -la", true],
    ["ls*", "ls", true],
    ["git * main", "git push origin main", true],
    ["git * main", "git main", false],
    ["git * main", "git push origin main2", false],
    ["* --version", "node --version", true],
    ["*", "anything at all", true],
    // exact
    ["git status", "git status", true],
    ["git status", "git status -s", false],
    ["git status", "git  status", true],
    ["git status", "'git' \"status\"", true],
    ["git status", "git 'status '", false],
    ["  git   status  ", "git status", true],
    // the words after unwrapping, never the text
    ["npm test", "timeout 60 npm test", true],
    ["npm test", "FOO=1 npm test", true],
    ["npm test", "nice -n 5 npm test", true],
    ["npm test", "npm test; curl evil.example", false],
    ["npm test", "npm test && rm -rf /", false],
    ["npm test", "bash -c 'npm test; curl x'", false],
    ["git status:*", "git status | sh", false],
    ["git status:*", "git status\ncurl x", false],
    ["echo *", "echo hi", true],
    // run-time words only match the universal rule
    ["git log *", "git log $REF", false],
    ["git log *", 'git log "$(cat f)"', false],
    ["ls *", "ls *.txt", false],
    ["*", "git log $REF", true],
    ["rm *", "find . -exec rm {} \\;", false],
    ["", "ls", false],
  ];
  it.each(cases)("Bash(%s) against %j: %s", async (rule, line, matches) => {
    expect(await allows(rule, line)).toBe(matches);
  });

  it("never lets a word with spaces pose as several words", () => {
    expect(bashRuleMatches("git log -p", command("git", "log -p"))).toBe(false);
    expect(bashRuleMatches("git log *", command("git", "log -p"))).toBe(false);
    expect(bashRuleMatches("git *", command("git", "log -p"))).toBe(true);
  });

  it("does not match an empty command (a bare assignment) except with `*`", () => {
    expect(bashRuleMatches("ls", command())).toBe(false);
    expect(bashRuleMatches("*", command())).toBe(true);
  });
});

describe("bashRuleMayMatch", () => {
  const cases: [rule: string, cmd: SimpleCommand, matches: boolean][] = [
    ["rm -rf /", command("rm", { dynamic: "$X" }), true],
    ["rm -rf /", command("rm", "-rf", { dynamic: "$X" }), true],
    ["curl *", command({ dynamic: "$TOOL" }, "http://x"), true],
    ["curl:*", command({ dynamic: "${CURL}" }), true],
    ["git push *", command("git", { dynamic: "$OP" }), true],
    ["git push *", command("git", "log", { dynamic: "$X" }), false],
    ["npm publish", command("npm", "test", { dynamic: "$X" }), false],
    ["rm *", command("rm", "-rf", "x"), true],
    ["rm *", command("ls"), false],
  ];
  it.each(cases)("Bash(%s) may match %j: %s", (rule, cmd, matches) => {
    expect(bashRuleMayMatch(rule, cmd)).toBe(matches);
  });

  it("agrees with bashRuleMatches on commands without run-time words", () => {
    const words = fc.constantFrom("git", "log", "-p", "status", "npm", "test", "x", "a b");
    const rules = fc.constantFrom(
      "git log *",
      "git log:*",
      "git *",
      "git status",
      "npm test",
      "* test",
      "git*",
      "*",
      "git * -p",
    );
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 5 }), rules, (argv, rule) => {
        const cmd = command(...argv);
        expect(bashRuleMayMatch(rule, cmd)).toBe(bashRuleMatches(rule, cmd));
      }),
    );
  });

  it("a run-time word matches whatever a literal there would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("git", "push", "-f", "origin", "main"), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.nat(),
        fc.constantFrom("git push *", "git push -f *", "git * main", "git push", "* -f *"),
        (argv, at, rule) => {
          const index = at % argv.length;
          const literal = command(...argv);
          const withRuntime = command(...argv.map((w, i) => (i === index ? { dynamic: "$X" } : w)));
          if (bashRuleMatches(rule, literal))
            expect(bashRuleMayMatch(rule, withRuntime)).toBe(true);
        },
      ),
    );
  });

  describe("bashRuleMayMatch and program paths", () => {
    it("lets a deny on a name cover the program by any path", async () => {
      const [cmd] = await commandsOf("/usr/bin/curl -s http://x");
      expect(cmd && bashRuleMayMatch("curl:*", cmd)).toBe(true);
      const [local] = await commandsOf("./bin/curl http://x");
      expect(local && bashRuleMayMatch("curl:*", local)).toBe(true);
    });
  });
});
