// cairn's session folder (whole outputs, background job logs) against a sandboxed command: cairn
// writes there from outside the sandbox, so a link planted there would let a contained command
// have cairn write any file the user owns. The folder must be read-only inside the sandbox.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attack, bash, call, contentOf, makeLab, removeLabs, sandboxUsable } from "./harness.ts";

afterAll(removeLabs);

describe.skipIf(!sandboxUsable)("the session folder against the sandbox", () => {
  it("a sandboxed command cannot plant a link where cairn writes job logs", async () => {
    const lab = await makeLab();
    const victim = join(lab.outside, "victim.txt");
    await writeFile(victim, "original\n");
    const plant = [
      "for d in /tmp/cairn-*/; do",
      `  ln -s ${victim} "$d"bash_1.log && echo planted;`,
      `  ln -s ${victim} "$d"bash_2.log && echo planted;`,
      "done; ls -d /tmp/cairn-*/",
    ].join("\n");
    const outcome = await attack(lab, {
      turns: [
        bash(plant),
        call("Bash", { command: "echo PWNED-BY-SANDBOX", run_in_background: true }),
        bash("sleep 0.5"),
      ],
      flags: ["--allowedTools", "Bash", "--sandbox"],
    });
    const tried = outcome.outputs[0]?.text ?? "";
    // The guard: the command did see the session folder and tried.
    expect(tried).toMatch(/\/tmp\/cairn-[0-9a-f]+\//);
    expect(tried).toMatch(/Read-only file system/);
    expect(tried).not.toContain("planted");
    expect(contentOf(victim)).toBe("original\n");
  });
});
