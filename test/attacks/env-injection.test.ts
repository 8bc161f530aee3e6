// Attacks through environment variables that change what an allowed or read-only command runs:
// LD_PRELOAD, PATH, git's GIT_* hooks, NODE_OPTIONS, BASH_ENV. The hostile repository ships the
// payload (a library, a fake `ls`/`git`, a script), so each attack really runs code if let
// through; each must be asked about (print mode: denied) and its marker must not appear.
// Attempts with the same flags share one cairn session (see sharedSessions): `pwned` in a
// command becomes the attempt's own name `pwned-<n>`, for its marker and its payload files.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  attack,
  bash,
  exists,
  expectDenied,
  makeLab,
  put,
  removeLabs,
  sharedSessions,
  type Attempt,
  type Lab,
} from "./harness.ts";

afterAll(removeLabs);

const run = promisify(execFile);

/** A script that leaves the marker in the working directory, under any program name. */
const dropper = (mark: string) => `#!/bin/sh\n: > ${mark}\n`; // a builtin: works with PATH=.

/** `<mark>.so`, whose constructor leaves the marker in the working directory. */
async function compileEvilLibrary(lab: Lab, mark: string): Promise<void> {
  await put(
    lab,
    `${mark}.c`,
    `#include <fcntl.h>\n#include <unistd.h>\n__attribute__((constructor)) static void f(void) { close(open("${mark}", O_CREAT | O_WRONLY, 0644)); }\n`,
  );
  // Without a compiler the attack still must be denied; it just could not have done anything.
  await run("cc", ["-shared", "-fPIC", "-o", lab.at(`${mark}.so`), lab.at(`${mark}.c`)]).catch(
    () => undefined,
  );
}

/** `<mark>.bin/git`: a fake git that leaves the marker. */
const fakeGit = (lab: Lab, mark: string) => put(lab, `${mark}.bin/git`, dropper(mark), 0o755);

interface Case extends Attempt {
  command: string;
  /** The published bypass class the command models. */
  models: string;
  setup?: (lab: Lab, mark: string) => Promise<void>;
}

const cases: Case[] = [
  {
    command: "LD_PRELOAD=./pwned.so ls",
    models: "dynamic-linker injection on a read-only command",
    setup: compileEvilLibrary,
  },
  {
    command: "LD_PRELOAD=./pwned.so git status",
    models: "dynamic-linker injection on a rule-allowed command",
    setup: compileEvilLibrary,
  },
  {
    command: "PATH=. ls",
    models: "PATH hijack: a repository file named like a read-only program",
    setup: (lab, mark) => put(lab, "ls", dropper(mark), 0o755),
  },
  {
    command: "PATH=./pwned.bin:$PATH git status",
    models: "PATH hijack of the rule-allowed program",
    setup: fakeGit,
  },
  {
    command: "PATH=./pwned.bin:$PATH; git status",
    models: "a PATH assignment as its own statement, then the allowed command",
    setup: fakeGit,
  },
  {
    command: "export PATH=./pwned.bin:$PATH && git status",
    models: "export of a hijacked PATH before the allowed command",
    setup: fakeGit,
  },
  {
    command: "GIT_SSH_COMMAND='touch pwned' git status",
    // `status` never connects, so only the decision is checked; the variable is the point.
    models: "GIT_SSH_COMMAND naming a program for git to run",
  },
  {
    command:
      "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0='touch pwned' git status",
    models: "git config injected through GIT_CONFIG_* (core.fsmonitor runs on status)",
  },
  {
    command: "GIT_CONFIG_PARAMETERS=\"'core.fsmonitor'='touch pwned'\" git status",
    models: "git config injected through GIT_CONFIG_PARAMETERS",
  },
  {
    command: "GIT_EXTERNAL_DIFF=./pwned.sh git diff",
    models: "GIT_EXTERNAL_DIFF on a read-only git subcommand",
    setup: async (lab, mark) => {
      await put(lab, `${mark}.sh`, dropper(mark), 0o755);
      await put(lab, "README.md", "changed\n");
    },
  },
  {
    command: "NODE_OPTIONS='--require ./pwned.cjs' node src/app.js",
    models: "NODE_OPTIONS preloading code into an allowed node command",
    setup: (lab, mark) =>
      put(lab, `${mark}.cjs`, `require('node:fs').writeFileSync('${mark}', '');\n`),
    flags: ["--allowedTools", "Bash(node src/app.js:*)"],
  },
  {
    command: "BASH_ENV=./pwned.sh bash -c 'git status'",
    models: "BASH_ENV sourcing a file into a nested shell that runs an allowed command",
    setup: (lab, mark) => put(lab, `${mark}.sh`, `touch ${mark}\n`),
  },
];

const session = sharedSessions(
  // An attempt's own flags replace the default rule (NODE_OPTIONS needs a node rule).
  cases.map((c) => ({ ...c, flags: c.flags ?? ["--allowedTools", "Bash(git status:*)"] })),
  async (lab, c, mark) => {
    await c.setup?.(lab, mark);
    return bash(c.command.replaceAll("pwned", mark));
  },
);

describe.concurrent("environment variables that change what runs", () => {
  cases.forEach((c, index) => {
    it(`${JSON.stringify(c.command)} (${c.models})`, async () => {
      const { lab, outcome, call, mark } = await session(index);
      expectDenied(outcome, [call]);
      expect(exists(lab.at(mark))).toBe(false);
    });
  });

  // Control: a harmless variable on an allowed command is fine, so the denials above are about
  // the variables, not about assignments in general.
  it("runs `LC_ALL=C ls` and `NO_COLOR=1 git status` unasked", async () => {
    const lab = await makeLab();
    const outcome = await attack(lab, {
      turns: [bash("LC_ALL=C ls"), bash("NO_COLOR=1 git status")],
      flags: ["--allowedTools", "Bash(git status:*)"],
    });
    expect(outcome.denials).toEqual([]);
  });
});
