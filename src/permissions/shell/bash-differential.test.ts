// Checks the analysis against real bash: random scripts of made-up commands run under bash with
// a command_not_found_handle that records every command bash actually starts. Whatever the
// analysis accepts without hazards must list every one of them. This is how the line-break,
// heredoc-delimiter, `[ … | … ]` and comment differentials of tree-sitter-bash were found.

import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze.ts";
import { createShellParser } from "./parser.ts";
import type { Word } from "./types.ts";

const bash = "/bin/bash";
const parser = createShellParser();

/** A small deterministic generator, so a failing seed reproduces the same script. */
function scriptFromSeed(seed: number): string {
  let state = seed;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const vocabulary = ["qq", "zz", "xq", "qz", "-q", "--zz", "z=q", "q.z"];
  const word = (): string => {
    const w = pick(vocabulary);
    switch (Math.floor(random() * 12)) {
      case 0:
        return `'${w}'`;
      case 1:
        return `"${w}"`;
      case 2:
        return `\\${w}`;
      case 3:
        return w.slice(0, 1) + pick(["''", '""', "\\\n", "\\", "$''", "\\ "]) + w.slice(1);
      case 4:
        return w + pick(["*", "?", "[q]", "{q,z}", "$x", "~", "#", "\\#"]);
      default:
        return w;
    }
  };
  const blanks = [" ", " ", "\t", " \\\n", "\\\n "];
  const operators = [";", " && ", " || ", " | ", " |& ", "\n", ";\n", " &&\n", " |\n", " # c\n"];
  const simple = (): string => {
    let s = word();
    for (let n = Math.floor(random() * 3); n > 0; n--) s += pick(blanks) + word();
    if (random() < 0.15)
      s += pick([" > zz", " 2>&1", " >/dev/null -q", " <<< qq", " 2> /dev/null zz"]);
    return s;
  };
  const statement = (depth: number): string => {
    const r = random();
    if (depth < 2 && r < 0.08) return `( ${list(depth + 1)} )`;
    if (depth < 2 && r < 0.16) return `{ ${list(depth + 1)}; }`;
    if (depth < 2 && r < 0.2) return `if ${simple()}; then ${list(depth + 1)}; fi`;
    if (depth < 2 && r < 0.23) return `for q in ${word()} ${word()}; do ${list(depth + 1)}; done`;
    if (r < 0.26) return `${simple()} <<'EOF'\nqq zz\nEOF`;
    if (r < 0.29) return `${simple()} <<EOF${pick(["", " | qq", " && zz", ";"])}\nqq \\\nzz\nEOF`;
    if (r < 0.32) return `[ ${word()} = ${word()} ] ${pick(["&&", "||", ";"])} ${simple()}`;
    if (r < 0.34) return `! ${simple()}`;
    return simple();
  };
  const list = (depth: number): string => {
    let s = statement(depth);
    for (let n = Math.floor(random() * 5); n > 0; n--) s += pick(operators) + statement(depth);
    return s;
  };
  let script = list(0);
  for (let n = Math.floor(random() * 3); n > 0; n--) {
    const at = Math.floor(random() * (script.length + 1));
    const noise = pick([
      "\\",
      "\n",
      " ",
      "\\\n",
      "'",
      '"',
      "$",
      "(",
      ")",
      ";",
      "&",
      "|",
      "\n\\",
      "#",
      "{",
      "}",
    ]);
    script = script.slice(0, at) + noise + script.slice(at);
  }
  return script;
}

/** The argv of every command bash started (none of the made-up names exist). */
async function commandsBashRuns(script: string, dir: string, id: number): Promise<string[][]> {
  const log = join(dir, `log.${id}.`);
  const prelude =
    `command_not_found_handle() { local r="$#" a; for a in "$@"; do r+='<<A>>'"$a"; done; ` +
    `printf '%s<<R>>' "$r" > ${log}$BASHPID.$RANDOM$RANDOM; return 0; }\n`;
  const run = spawnSync(bash, ["-c", prelude + script], {
    cwd: dir,
    env: { PATH: "/nonexistent-cairn", HOME: dir },
    input: "",
    timeout: 5000,
    killSignal: "SIGKILL",
  });
  if (run.error && (run.error as { code?: string }).code !== "ETIMEDOUT") throw run.error;
  const records: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`log.${id}.`)) continue;
    records.push(await readFile(join(dir, name), "utf8"));
  }
  return records
    .join("")
    .split("<<R>>")
    .filter(Boolean)
    .map((record) => record.split("<<A>>").slice(1));
}

/** A run-time word may stand for any number of real words. */
function covers(argv: readonly Word[], real: readonly string[]): boolean {
  const match = (i: number, j: number): boolean => {
    const word = argv[i];
    if (!word) return j === real.length;
    if (word.kind === "dynamic") return match(i + 1, j) || (j < real.length && match(i, j + 1));
    return j < real.length && real[j] === word.value && match(i + 1, j + 1);
  };
  return match(0, 0);
}

describe.skipIf(!existsSync(bash) || process.platform === "win32")(
  "analysis against real bash",
  () => {
    let dir = "";
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "cairn-bash-diff-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** Accepted without hazards means: every command bash starts is in the analysis. */
    async function check(script: string, id: number): Promise<boolean> {
      const analysis = await analyzeCommand(parser, script);
      if (analysis.kind !== "parsed" || analysis.hazards.length > 0) return false;
      const missed = (await commandsBashRuns(script, dir, id)).filter(
        (real) => !analysis.commands.some((c) => covers(c.argv, real)),
      );
      expect({ script, missed }).toEqual({ script, missed: [] });
      return true;
    }

    // Each of these once made the grammar and bash disagree about which commands run.
    const known = [
      "qq | zz | xq\nqz || qq",
      "qq \n\\zz -q",
      "qq\n\\ zz",
      "\\ qq; zz",
      "[ zz = qq ]# || xq -q",
      "qq <<EOF;\nEOF\nzz\nEOF;",
      "qq <<'EOF'}\nx\nEOF\nzz",
      "z=q\\\n z=q qq",
      'qq "zz"\\\n 2>&1',
      "!qq; zz",
      "{qq; }",
      "qq xq{}q,z}",
      "q\\\nq zz",
      "qq \\\n; zz",
      "qq $'\\x{7a}z'",
      "qq a#b # zz\nxq",
    ];
    it.each(known.map((script, i) => [script, i] as const))("%j", async (script, i) => {
      await check(script, 1_000_000 + i);
    });

    it("every command bash runs is in the analysis of a script it accepts", async () => {
      let id = 0;
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2147483646 }), async (seed) => {
          if (await check(scriptFromSeed(seed), ++id)) compared++;
        }),
        { numRuns: 400 },
      );
      expect(compared).toBeGreaterThan(60);
    }, 120_000);
  },
);
