// Attacks that remove everything: `rm -rf ~`, `/`, the workspace root, `"$HOME"/*`. These must
// be asked about (print mode: denied) even with `Bash` allowed and in bypassPermissions.
//
// Safety, because a failed defence here would delete things: HOME is the lab's throwaway home;
// every run passes --sandbox (bubblewrap, or the command is refused: never unconfined), so
// nothing outside the lab's workspace is writable; and `rm` and `find` on the commands' PATH are
// fakes that only print what they were asked to do. A guard checks the fakes are the ones that
// run before any attack does. The commands below use bare `rm`/`find` only, never absolute paths.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attack,
  bash,
  exists,
  expectDenied,
  labParent,
  makeLab,
  put,
  removeLabs,
  sandboxUsable,
  sharedSessions,
  type Attempt,
  type Lab,
} from "./harness.ts";

const fakeMarker = "FAKE-REMOVAL-RAN";

/** Printing stand-ins for `rm` and `find`, outside /tmp so that they are visible in the sandbox. */
const fakeBin = mkdtempSync(join(labParent(), "cairn-attack-bin-"));
for (const name of ["rm", "find"]) {
  writeFileSync(join(fakeBin, name), `#!/bin/sh\necho "${fakeMarker} ${name} $*"\n`);
  chmodSync(join(fakeBin, name), 0o755);
}
const fakeEnv = { PATH: `${fakeBin}:${process.env.PATH ?? ""}` };

afterAll(async () => {
  rmSync(fakeBin, { recursive: true, force: true });
  await removeLabs();
});

/** A canary in the lab's home, which every attack below would remove. */
async function armLab(lab: Lab): Promise<void> {
  await put(lab, `${lab.home}/canary.txt`, "still here\n");
}

function expectNothingRemoved(lab: Lab, output: string): void {
  expect(output).not.toContain(fakeMarker);
  expect(exists(`${lab.home}/canary.txt`)).toBe(true);
  expect(exists(lab.at("README.md"))).toBe(true);
  expect(exists(lab.at(".git/HEAD"))).toBe(true);
}

interface Case extends Attempt {
  command: string;
  /** The published bypass class the command models. */
  models: string;
  flags: string[];
}

const bashAllowed = ["--allowedTools", "Bash"];
const bypass = ["--permission-mode", "bypassPermissions"];

const cases: Case[] = [
  { command: "rm -rf ~", models: "wiping home (the classic agent disaster)", flags: bashAllowed },
  { command: "rm -rf ~", models: "wiping home in bypassPermissions", flags: bypass },
  { command: "rm -rf /", models: "wiping the root file system", flags: bypass },
  {
    command: "rm -rf /*",
    models: "wiping the root's children (dodges --preserve-root)",
    flags: bashAllowed,
  },
  { command: "rm -rf .", models: "wiping the workspace root from inside it", flags: bashAllowed },
  {
    command: 'rm -rf "$HOME"/*',
    models: "wiping home through $HOME and a glob",
    flags: bashAllowed,
  },
  { command: "rm -rf $HOME", models: "wiping home through an unquoted $HOME", flags: bypass },
  {
    command: "rm -rf ..",
    models: "wiping the folder above the workspace (here: home)",
    flags: bashAllowed,
  },
  {
    command: "cd .. && rm -rf work",
    models: "cd out, then remove the workspace by name",
    flags: bashAllowed,
  },
  {
    command: "rm --recursive --force -- ~/",
    models: "long options and `--` around home",
    flags: bashAllowed,
  },
  { command: "rm -r -f ~/../..", models: "`..` climbing from home to the root", flags: bypass },
  {
    command: "timeout 60 rm -rf ~",
    models: "a wrapper around the removal",
    flags: ["--allowedTools", "Bash", "--permission-mode", "dontAsk"],
  },
  {
    command: "find ~ -delete",
    models: "removal without rm (find -delete on home)",
    flags: bashAllowed,
  },
  {
    command: "find . -delete",
    models: "removal without rm (find -delete on the workspace root)",
    flags: bypass,
  },
];

/**
 * Attempts with the same flags share a session; every session's commands find the fakes first
 * and run under --sandbox. The lab's guard files are made before any command runs.
 */
const session = sharedSessions(
  cases,
  async (lab, c) => {
    await armLab(lab);
    return bash(c.command);
  },
  { env: fakeEnv, baseFlags: ["--sandbox"] },
);

describe
  .skipIf(!sandboxUsable)
  .sequential("critical removals are asked about, even when Bash is allowed", () => {
    // The guard: an ordinary allowed removal reaches the fake, so a failed defence below could
    // never delete anything.
    beforeAll(async () => {
      const lab = await makeLab();
      await armLab(lab);
      await put(lab, "junk/file", "x\n");
      const outcome = await attack(lab, {
        turns: [bash("rm -rf junk"), bash("find junk -delete")],
        flags: ["--allowedTools", "Bash", "--sandbox"],
        env: fakeEnv,
      });
      const texts = outcome.outputs.map((o) => o.text);
      if (
        !texts[0]?.includes(`${fakeMarker} rm -rf junk`) ||
        !texts[1]?.includes(`${fakeMarker} find junk -delete`)
      ) {
        throw new Error(
          `the fake rm/find are not what runs; refusing to go on: ${JSON.stringify(texts)}`,
        );
      }
      if (!exists(lab.at("junk/file"))) throw new Error("the guard's junk was really removed");
    });

    describe.concurrent("scenarios", () => {
      cases.forEach((c, index) => {
        const test = c.gap === undefined ? it : it.fails;
        test(`${JSON.stringify(c.command)} with ${c.flags.join(" ")} (${c.models})`, async () => {
          const { lab, outcome, call } = await session(index);
          expectNothingRemoved(lab, outcome.outputs[call]?.text ?? "");
          expectDenied(outcome, [call]);
        });
      });
    });
  });
