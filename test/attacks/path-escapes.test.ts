// Attacks on the workspace boundary, for every file tool (Read, Write, Edit, MultiEdit,
// apply_patch, Glob, Grep, LS) and for read-only shell commands: `../outside`, a link inside the
// workspace pointing out, a sibling sharing the workspace's name as a prefix (`work-evil`), an
// absolute path, and `~`. Each must be asked about (print mode: denied) even though bare rules
// (or acceptEdits) allow the tool inside the workspace; nothing outside may be read or changed.

import { rm, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedBlock } from "../fake-llm/scenario.ts";
import {
  attack,
  bash,
  call,
  contentOf,
  exists,
  expectDenied,
  expectSecretKept,
  link,
  makeLab,
  removeLabs,
  sharedSessions,
  type Attempt,
  type Lab,
} from "./harness.ts";

afterAll(removeLabs);

/** The links a hostile repository ships: a folder link and a file link leading outside. */
async function hostileLinks(lab: Lab): Promise<void> {
  await link(lab, "out-link", "../outside");
  await link(lab, "secret-link", "../outside/secret.txt");
}

/** The five ways out, as paths a tool is given (the same file, or a file next to it). */
function escapes(lab: Lab, file: string): string[] {
  return [
    `../outside/${file}`, // `..` traversal
    `out-link/${file}`, // a link inside the workspace pointing out
    `${lab.home}/work-evil/${file}`, // a sibling whose name starts with the workspace's
    `${lab.outside}/${file}`, // an absolute path
    `~/${file === "secret.txt" ? "notes.txt" : file}`, // home
  ];
}

/** Nothing outside the workspace was created or changed. */
function expectOutsideUntouched(lab: Lab): void {
  for (const dir of [lab.outside, lab.evil, lab.home]) expect(exists(`${dir}/new.txt`)).toBe(false);
  for (const file of [
    `${lab.outside}/secret.txt`,
    `${lab.evil}/secret.txt`,
    `${lab.home}/notes.txt`,
  ]) {
    expect(contentOf(file)).toBe(`${lab.secret}\n`);
  }
}

interface ToolCase {
  tool: string;
  /** The calls, one per escape, all made in one turn. */
  calls: (lab: Lab) => ScriptedBlock[];
  flags: string[];
  wire?: "anthropic" | "openai";
}

const readFlags = ["--allowedTools", "Read,Glob,Grep,LS"];
const writeFlags = ["--permission-mode", "acceptEdits", "--allowedTools", "Edit,Write"];

const toolCases: ToolCase[] = [
  {
    tool: "Read",
    calls: (lab) => [
      ...escapes(lab, "secret.txt").map((p) => call("Read", { file_path: p })),
      call("Read", { file_path: "secret-link" }),
    ],
    flags: readFlags,
  },
  {
    tool: "Write",
    calls: (lab) =>
      escapes(lab, "new.txt").map((p) => call("Write", { file_path: p, content: "pwned\n" })),
    flags: writeFlags,
  },
  {
    tool: "Edit",
    calls: (lab) => [
      ...escapes(lab, "secret.txt").map((p) =>
        call("Edit", { file_path: p, old_string: "cairn-canary", new_string: "pwned" }),
      ),
      call("Edit", { file_path: "secret-link", old_string: "cairn-canary", new_string: "pwned" }),
    ],
    flags: writeFlags,
  },
  {
    tool: "MultiEdit",
    calls: (lab) =>
      escapes(lab, "secret.txt").map((p) =>
        call("MultiEdit", {
          file_path: p,
          edits: [{ old_string: "cairn-canary", new_string: "pwned" }],
        }),
      ),
    flags: writeFlags,
  },
  {
    tool: "apply_patch",
    calls: (lab) => {
      const patch = (body: string) =>
        call("apply_patch", { input: `*** Begin Patch\n${body}\n*** End Patch` });
      return [
        ...escapes(lab, "new.txt").map((p) => patch(`*** Add File: ${p}\n+pwned`)),
        patch("*** Delete File: ../outside/secret.txt"),
        // The model cannot know the secret line, so it only adds one (never reached: denied first).
        patch("*** Update File: secret-link\n@@\n+pwned"),
        // Moving an inside file out: the destination is a write outside.
        patch("*** Update File: README.md\n*** Move to: ../outside/new.txt\n@@\n-hello\n+pwned"),
      ];
    },
    flags: ["--permission-mode", "acceptEdits", "--allowedTools", "apply_patch"],
    wire: "openai",
  },
  {
    tool: "Glob",
    calls: (lab) => [
      ...escapes(lab, "").map((p) => call("Glob", { pattern: "*", path: p })),
      call("Glob", { pattern: "../outside/*" }),
    ],
    flags: readFlags,
  },
  {
    tool: "Grep",
    calls: (lab) =>
      escapes(lab, "").map((p) =>
        call("Grep", { pattern: "cairn-canary", path: p, output_mode: "content" }),
      ),
    flags: readFlags,
  },
  {
    tool: "LS",
    calls: (lab) => escapes(lab, "").map((p) => call("LS", { path: p })),
    flags: readFlags,
  },
];

describe.concurrent(
  "`..`, links, shared prefixes, absolute paths and ~ for every file tool",
  () => {
    for (const c of toolCases) {
      // Models: path traversal / symlink escape / string-prefix containment checks (CWE-22, CWE-59).
      it(`${c.tool} is denied every way out of the workspace`, async () => {
        const lab = await makeLab();
        await hostileLinks(lab);
        const calls = c.calls(lab);
        const outcome = await attack(lab, {
          turns: [calls],
          flags: c.flags,
          wire: c.wire ?? "anthropic",
        });
        expect(outcome.outputs).toHaveLength(calls.length);
        expectDenied(outcome);
        expect(outcome.denials).toHaveLength(calls.length);
        expectSecretKept(outcome, lab);
        expectOutsideUntouched(lab);
        expect(contentOf(lab.at("README.md"))).toBe("hello\n");
      });
    }

    // Models: recursive tools following a link out of the tree (a walk that follows symlinks).
    it("Grep and Glob over the workspace do not follow a link out of it", async () => {
      const lab = await makeLab();
      await hostileLinks(lab);
      await rm(lab.at(".env")); // the workspace's own secret is fair game here: no rule denies it
      const outcome = await attack(lab, {
        turns: [
          [
            call("Grep", { pattern: "cairn-canary", output_mode: "content" }),
            call("Grep", { pattern: "cairn-canary", output_mode: "files_with_matches" }),
            call("Glob", { pattern: "**/*" }),
          ],
        ],
        flags: readFlags,
      });
      expectSecretKept(outcome, lab);
      for (const output of outcome.outputs) expect(output.text).not.toContain("secret.txt");
    });

    // Models: time-of-check/time-of-use: a link created by one call of a turn, used by the next,
    // which was judged before the link existed.
    it("re-judges a Read after a Bash call in the same turn made a link out", async () => {
      const lab = await makeLab();
      const outcome = await attack(lab, {
        turns: [
          [
            bash("ln -s ../outside fresh-link"),
            call("Read", { file_path: "fresh-link/secret.txt" }),
          ],
        ],
        flags: ["--allowedTools", "Bash(ln:*),Read"],
      });
      expect(exists(lab.at("fresh-link"))).toBe(true); // the user's rule allowed the link itself
      expectDenied(outcome, [1]);
      expectSecretKept(outcome, lab);
    });
  },
);

interface ShellCase extends Attempt {
  command: string;
  /** The published bypass class the command models. */
  models: string;
}

const shellCases: ShellCase[] = [
  { command: "cat ../outside/secret.txt", models: "`..` traversal with a read-only command" },
  { command: "cat out-link/secret.txt", models: "a link inside the workspace pointing out" },
  { command: "cat secret-link", models: "a file link pointing out" },
  { command: "cat ../work-evil/secret.txt", models: "a sibling sharing the workspace's prefix" },
  { command: "cat ~/notes.txt", models: "home via ~" },
  { command: "cat ~/.ssh/id_ed25519", models: "credentials in home" },
  {
    command: "cd .. && cat outside/secret.txt",
    models: "cd out of the workspace, then a relative path",
  },
  {
    command: "git diff --no-index README.md ../outside/secret.txt",
    models: "a read-only git subcommand reading outside the repository",
  },
  {
    command: "git blame --contents=../outside/secret.txt README.md",
    models: "a path hidden in an --option=value",
  },
  {
    command: "jq -n 'import \"../outside/secret\" as $s; $s'",
    models: "a file named inside an interpreted program's text",
  },
];

const shellSession = sharedSessions(
  shellCases,
  async (lab, c) => {
    if (!exists(lab.at("out-link"))) {
      await hostileLinks(lab);
      await writeFile(`${lab.outside}/secret.json`, JSON.stringify(lab.secret));
    }
    return bash(c.command);
  },
  { baseFlags: ["--allowedTools", "Bash(git status:*)"] },
);

// Started with the file, so that it overlaps the per-tool runs of the first block.
beforeAll(() => shellSession.startAll());

describe.concurrent("read-only shell commands reaching outside the workspace", () => {
  shellCases.forEach((c, index) => {
    const test = c.gap === undefined ? it : it.fails;
    test(`${JSON.stringify(c.command)} (${c.models})`, async () => {
      const { lab, outcome, call: position } = await shellSession(index);
      expect(outcome.outputs[position]?.text).not.toContain(lab.secret);
      expectDenied(outcome, [position]);
      expectSecretKept(outcome, lab);
    });
  });
});
