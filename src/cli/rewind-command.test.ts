import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCheckpoints } from "../checkpoints/index.ts";
import { parseRewindArgs, runRewindCommand } from "./rewind-command.ts";

let root: string;
let folder: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-rewind-cli-")));
  folder = join(root, "checkpoints");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runRewindCommand(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    checkpointsFolder: folder,
  });
  return { code, stdout, stderr };
}

/** Two turns: the first edits a.txt, the second creates b.txt and runs a shell command. */
async function history() {
  const a = join(root, "a.txt");
  const b = join(root, "b.txt");
  await writeFile(a, "v0");
  let clock = Date.parse("2025-06-01T12:00:00Z");
  const store = await openCheckpoints(folder, { now: () => new Date((clock += 1000)) });
  await store.beginTurn({ prompt: "fix a", messageCount: 0 });
  await store.beforeChange([a]);
  await writeFile(a, "v1");
  await store.afterChange([a]);
  await store.beginTurn({ prompt: "add b", messageCount: 2 });
  await store.beforeChange([b]);
  await writeFile(b, "new");
  await store.afterChange([b]);
  await store.noteUncovered("Bash", "npm run gen");
  return { a, b };
}

describe("cairn rewind", () => {
  it("lists the turns with their files and the shell commands not covered", async () => {
    const { a, b } = await history();
    const { code, stdout } = await cli();
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "1  2025-06-01 12:00:01Z  fix a",
        `     1 file changed: ${a}`,
        "2  2025-06-01 12:00:02Z  add b",
        `     1 file changed: ${b}`,
        "     not covered: 1 shell command: npm run gen",
        "",
        "Restore files to before a turn with: cairn rewind --to <turn>",
        "",
      ].join("\n"),
    );
  });

  it("says when there is nothing recorded", async () => {
    expect((await cli()).stdout).toBe("No turns recorded for this session yet.\n");
  });

  it("shows a dry run without changing anything, then restores", async () => {
    const { a, b } = await history();
    const dry = await cli("--to", "1", "--dry-run");
    expect(dry.stdout).toBe(
      [
        "Would restore files to before turn 1 (fix a):",
        `  restore     ${a}`,
        `  delete      ${b}`,
        "Not covered: 1 shell command ran in these turns; what they changed was not restored:",
        "  turn 2: npm run gen",
        "",
      ].join("\n"),
    );
    expect(await readFile(a, "utf8")).toBe("v1");

    const done = await cli("--to=1");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`  restored    ${a}\n  deleted     ${b}\n`);
    expect(await readFile(a, "utf8")).toBe("v0");
    expect((await cli()).stdout).toContain("rewound files to before turn 1");
  });

  it("refuses a turn that does not exist, with the range that does", async () => {
    await history();
    const { code, stderr } = await cli("--to", "9");
    expect(code).toBe(1);
    expect(stderr).toBe(
      "cairn: checkpoints: there is no turn 9\nThis session's turns are numbered 1 to 2.\n",
    );
  });

  it("rejects bad options with a message naming them", () => {
    expect(() => parseRewindArgs(["--to", "0"])).toThrow(
      '--to: expected a turn number (1, 2, …) as listed by `cairn rewind`, got "0"',
    );
    expect(() => parseRewindArgs(["--to"])).toThrow("--to needs a turn number");
    expect(() => parseRewindArgs(["--dry-run"])).toThrow("--dry-run needs --to <turn>");
    expect(() => parseRewindArgs(["--force"])).toThrow('unknown option "--force"');
  });
});
