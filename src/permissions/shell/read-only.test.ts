import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze.ts";
import { createShellParser } from "./parser.ts";
import { isReadOnlyCommand } from "./read-only.ts";
import { isPrintOnlySedScript } from "./sed-script.ts";

const parser = createShellParser();

/** Analyses a line and asks the read-only list about its first (outermost) command. */
async function readOnly(command: string): Promise<boolean> {
  const result = await analyzeCommand(parser, command);
  if (result.kind !== "parsed") throw new Error(`unparsable: ${result.reason}`);
  const first = result.commands[0];
  if (!first) throw new Error("no command");
  return isReadOnlyCommand(first);
}

describe("isReadOnlyCommand", () => {
  const readOnlyLines = [
    "ls -la",
    "ls",
    "cat a.txt b.txt",
    "head -n 20 src/a.ts",
    "tail -f log",
    "wc -l src/a.ts",
    "pwd",
    "echo hello world",
    "printf '%s\\n' a b",
    "true",
    "which git",
    "type ls",
    "file README.md",
    "stat package.json",
    "du -sh .",
    "df -h",
    "date +%Y-%m-%d",
    "date -d yesterday +%F",
    "whoami",
    "id -u",
    "uname -a",
    "env",
    "env ls",
    "timeout 5 git status",
    "printenv HOME",
    "grep -rn TODO src",
    "rg -n 'fn main' --type rust",
    "rg --pretty foo",
    "ag foo",
    "find . -name '*.ts' -type f",
    "find src -maxdepth 2 -print",
    "sed -n '1,20p' file",
    "sed -n -e '/start/,/end/p' file",
    "sed -ne 's/a/b/p' file",
    "sed --quiet '$=' file",
    "sort -u names.txt",
    "sort -k2,2 -t, data.csv",
    "uniq -c sorted.txt",
    "uniq",
    "diff -u a b",
    "cmp a b",
    "tree -L 2",
    "basename /a/b.c",
    "dirname /a/b.c",
    "realpath .",
    "readlink -f link",
    "jq .name package.json",
    "git status",
    "git status --porcelain",
    "git diff HEAD~1 -- src",
    "git log --oneline -n 5",
    "git log -p --stat",
    "git show HEAD:README.md",
    "git branch",
    "git branch -a -vv",
    "git branch --list 'feat/*'",
    "git branch --merged main",
    "git tag",
    "git tag -l 'v1.*'",
    "git rev-parse --show-toplevel",
    "git ls-files -m",
    "git blame -L 1,10 a.ts",
    "git remote -v",
    "git remote get-url origin",
    "git config --get user.name",
    "git config --list --show-origin",
    "git config get user.email",
    "git --no-pager log",
    "git diff --output-indicator-new=+",
    "git stash list",
    "command -v node",
    "[ -f package.json ]",
    "test -d src",
    "[[ -n abc ]]",
    "LANG=C sort f",
    "echo hi > /dev/null",
    "ls 2>&1",
    "cat < input.txt",
  ];
  it.each(readOnlyLines)("reads only: %j", async (line) => {
    expect(await readOnly(line)).toBe(true);
  });

  const notReadOnly = [
    // a jq program that loads files named in its own text, or from another module path
    `jq -n 'import "secrets" as $s; $s'`,
    `jq -n 'include "lib"; f'`,
    "jq -L /tmp/mods .x file.json",
    // not on the list, or runs something else
    "rm -rf x",
    "cd src",
    "npm test",
    "curl https://example.com",
    "./ls",
    "/bin/ls",
    "xargs",
    "tee out",
    "sudo ls",
    "awk '{print}' f",
    "less f",
    // run-time words, writes, environment
    "ls $DIR",
    "cat *.txt",
    "cat ~/.bashrc",
    "echo hi > out.txt",
    "echo hi >> ~/.bashrc",
    'cat < "$F"',
    "ls 2> err.log",
    "PAGER=sh git log",
    "FOO=bar ls",
    "LC_ALL=$(id) ls",
    // exec and write options of read-only programs
    "find . -exec rm {} \\;",
    "find . -execdir sh -c x \\;",
    "find . -ok rm {} +",
    "find . -delete",
    "find . -fprint out",
    "find . -fprintf out %p",
    "find . -fls out",
    "sed -i s/a/b/ f",
    "sed -ni p f",
    "sed -in p f",
    "sed --in-place p f",
    "sed --in p f",
    "sed -n -f script.sed f",
    "sed 's/a/b/' f",
    "sed -n 'w out' f",
    "sed -n 's/a/b/w out' f",
    "sed -n 's/a/b/e' f",
    "sed -n '1e id' f",
    "sed -n 'r /etc/passwd' f",
    "sed -n 's/[/]/x/w out' f",
    "sed -n 's/a/b/;w out' f",
    "sort -o out f",
    "sort -uo out f",
    "sort --output=out f",
    "sort --out=out f",
    "sort --compress-program=sh f",
    "uniq in out",
    "uniq -c in out",
    "rg --pre=sh x",
    "rg --pre sh x",
    "rg --pre-glob '*.gz' x",
    "rg -z x",
    "rg -iz x",
    "rg --search-zip x",
    "rg --hostname-bin=sh x",
    "ag --pager=sh x",
    "tree -o out",
    "tree -R -H . ",
    "file -C -m magic",
    "date -s 2020-01-01",
    "date 010100002020",
    "hostname evil",
    "printf -v x %s y",
    "test -v 'a[$(id)]'",
    "[ -v x ]",
    "[[ a -eq 1 ]]",
    "base64 -o out f",
    // git that writes, runs helpers, or reads another repository or config
    "git -c core.pager=sh log",
    "git -ccore.pager=sh log",
    "git --config-env=core.pager=X log",
    "git -C /tmp/other status",
    "git --git-dir=/tmp/x/.git log",
    "git --work-tree=/tmp status",
    "git --exec-path=/tmp log",
    "git -p log",
    "git --paginate log",
    "git log --output=/tmp/x",
    "git log --out=/tmp/x",
    "git diff --ext-diff",
    "git diff --textconv",
    "git show --textconv HEAD:x",
    "git cat-file --filters HEAD:x",
    "git grep -O foo",
    "git grep --open-files-in-pager foo",
    "git branch newbranch",
    "git branch -d old",
    "git branch -D old",
    "git branch -m a b",
    "git branch -c a b",
    "git branch --set-upstream-to=origin/main",
    "git tag v1.0",
    "git tag -d v1",
    "git tag -v v1",
    "git remote add x url",
    "git remote show origin",
    "git config user.name x",
    "git config user.name",
    "git config --unset user.name",
    "git config --edit",
    "git config --get",
    "git stash",
    "git commit -m x",
    "git push",
    "git fetch",
    "git checkout main",
    "git reflog expire --all",
    "git",
    "git --version x",
  ];
  it.each(notReadOnly)("does not: %j", async (line) => {
    expect(await readOnly(line)).toBe(false);
  });

  it("needs every word literal, even the program", async () => {
    const result = await analyzeCommand(parser, "$CMD status");
    expect(result.kind === "parsed" && isReadOnlyCommand(result.commands[0]!)).toBe(false);
  });

  it("is false for a bare assignment or a redirect alone", async () => {
    for (const line of ["x=1", "> out", "< in"]) {
      const result = await analyzeCommand(parser, line);
      expect(result.kind === "parsed" && result.commands.every(isReadOnlyCommand)).toBe(false);
    }
  });
});

describe("isPrintOnlySedScript", () => {
  it.each([
    "p",
    "1,5p",
    "$p",
    "$=",
    "/re/p",
    "/a/,/b/p",
    "0~2p",
    "/x/,+3p",
    "1!p",
    "/a/I p",
    "\\,x,p",
    "s/a/b/gp",
    "s|a|b|p",
    "s/[0-9]\\+/N/2p",
    "s/[[:alpha:]]/x/p",
    "s/[]]/x/p",
    "y/abc/xyz/",
    "1{p;q}",
    "/x/{p}",
    "p;p",
    "p\np",
    "l 40",
    "q5",
    "# comment\np",
  ])("prints only: %j", (script) => {
    expect(isPrintOnlySedScript(script)).toBe(true);
  });

  it.each([
    "w out",
    "1w out",
    "W out",
    "s/a/b/w out",
    "s/a/b/gw out",
    "s/a/b/e",
    "e id",
    "1e",
    "r /etc/passwd",
    "R x",
    "a text",
    "i text",
    "c text",
    "s/[/]/x/w out",
    "s/[[:alpha:]/]/x/w out",
    "s/a/b",
    "s/a/b/ x",
    "p;w out",
    "{p",
    "}",
    "v",
    "b end",
    "s/a/[/]/",
  ])("does not: %j", (script) => {
    expect(isPrintOnlySedScript(script)).toBe(false);
  });
});
