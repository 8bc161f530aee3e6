// Matches a `Bash(…)` rule specifier against ONE simple command, in Claude Code's documented
// grammar. The caller requires every simple command of a script to match; hazards and writing
// redirects are the caller's to judge, not this file's.
//
// Grammar (the specifier is trimmed and runs of blanks become one space):
//   `npm run test:*`  legacy prefix: `npm run test`, `npm run test --watch`; not `npm run testing`.
//   `git log *`       a trailing ` *` is the same as `:*`: `git log`, `git log -p`; not `git logx`.
//                     (The bare command matches, as it always did with `:*`.)
//   `git * main`, `ls*` `*` elsewhere matches any text, spaces included (`ls*` matches `lsof`).
//   `git status`      anything else is an exact match of the whole command.
// The subject is the command's argv after unwrapping (`timeout 5 npm test` is `npm test`), one
// space between words; a space in the pattern only matches a boundary between two words, so
// the single word `'run test'` cannot pose as the two words `run test`.
//
// Run-time words ($VAR, $(…), globs): for an allow rule a command with any of them matches only
// the universal rule `*`. `Bash(git log *)` does not allow `git log $REF`, because $REF could be
// `--output=/some/file` or several words; the user is asked instead. For deny and ask rules use
// bashRuleMayMatch, where a run-time word may stand for anything.

import type { SimpleCommand } from "./types.ts";

type Unit = { type: "char"; c: string } | { type: "boundary" } | { type: "any" };
type SubjectUnit = { type: "char"; c: string } | { type: "boundary" } | { type: "runtime" };

/** Allow semantics: true only when the command certainly matches the rule. */
export function bashRuleMatches(specifier: string, cmd: SimpleCommand): boolean {
  const patterns = compile(specifier);
  const subject = subjectOf(cmd);
  if (subject.some((unit) => unit.type === "runtime")) {
    return patterns.some((p) => p.length === 1 && p[0]?.type === "any");
  }
  return patterns.some((pattern) => intersects(pattern, subject));
}

/** Deny/ask semantics: true when some run-time value of the command's words could match. */
export function bashRuleMayMatch(specifier: string, cmd: SimpleCommand): boolean {
  const patterns = compile(specifier);
  // A deny on `curl` also covers `/usr/bin/curl` and `./bin/curl`: for a restriction, a program
  // is judged by its name as well as by the path written.
  const subjects = [subjectOf(cmd)];
  const program = cmd.argv[0];
  if (program?.kind === "literal" && program.value.includes("/")) {
    const name = program.value.slice(program.value.lastIndexOf("/") + 1);
    if (name !== "") {
      subjects.push(
        subjectOf({ ...cmd, argv: [{ kind: "literal", value: name }, ...cmd.argv.slice(1)] }),
      );
    }
  }
  return patterns.some((pattern) => subjects.some((subject) => intersects(pattern, subject)));
}

/** The specifier as one or two unit sequences (a trailing ` *` or `:*` may also match nothing). */
function compile(specifier: string): Unit[][] {
  let text = specifier.trim().replace(/\s+/g, " ");
  if (text === "") return [];
  let optionalTail = false;
  if (text.endsWith(":*")) {
    text = text.slice(0, -2).trimEnd();
    optionalTail = true;
  } else if (text.endsWith(" *")) {
    text = text.slice(0, -2);
    optionalTail = true;
  }
  const units: Unit[] = [...text].map((c) =>
    c === " " ? { type: "boundary" } : c === "*" ? { type: "any" } : { type: "char", c },
  );
  if (!optionalTail) return [units];
  return [units, [...units, { type: "boundary" }, { type: "any" }]];
}

function subjectOf(cmd: SimpleCommand): SubjectUnit[] {
  const units: SubjectUnit[] = [];
  for (const [index, word] of cmd.argv.entries()) {
    if (index > 0) units.push({ type: "boundary" });
    if (word.kind === "dynamic") units.push({ type: "runtime" });
    else for (const c of word.value) units.push({ type: "char", c });
  }
  return units;
}

/**
 * Whether some text matches both the pattern and the subject, where the pattern's `any` and the
 * subject's run-time words each stand for any sequence of characters and word boundaries.
 * With no run-time words this is ordinary wildcard matching. Dynamic programming over
 * (pattern position, subject position).
 */
function intersects(pattern: readonly Unit[], subject: readonly SubjectUnit[]): boolean {
  const m = pattern.length;
  const n = subject.length;
  const reached: boolean[][] = Array.from({ length: m + 1 }, () =>
    new Array<boolean>(n + 1).fill(false),
  );
  (reached[0] as boolean[])[0] = true;
  for (let i = 0; i <= m; i++) {
    const row = reached[i] as boolean[];
    for (let j = 0; j <= n; j++) {
      if (!row[j]) continue;
      const p = pattern[i];
      const s = subject[j];
      if (p?.type === "any") {
        (reached[i + 1] as boolean[])[j] = true;
        if (s) row[j + 1] = true;
      }
      if (s?.type === "runtime") {
        row[j + 1] = true;
        if (p && p.type !== "any") (reached[i + 1] as boolean[])[j] = true;
      }
      if (p && s && p.type !== "any" && s.type !== "runtime" && sameUnit(p, s)) {
        (reached[i + 1] as boolean[])[j + 1] = true;
      }
    }
  }
  return (reached[m] as boolean[])[n] === true;
}

function sameUnit(
  p: { type: "char"; c: string } | { type: "boundary" },
  s: { type: "char"; c: string } | { type: "boundary" },
): boolean {
  if (p.type === "boundary" || s.type === "boundary") return p.type === s.type;
  return p.c === s.c;
}
