import { describe, expect, it } from "vitest";
import { analyzeCommand } from "./analyze.ts";
import { criticalRemoval, type RemovalContext } from "./critical-removal.ts";
import { createShellParser } from "./parser.ts";

const parser = createShellParser();
const context: RemovalContext = {
  home: "/home/me",
  workspaceRoots: ["/work/proj", "/srv/extra/docs"],
  cwd: "/work/proj",
};

/** True when any simple command of the line is a critical removal. */
async function critical(line: string, ctx: RemovalContext = context): Promise<boolean> {
  const result = await analyzeCommand(parser, line);
  if (result.kind !== "parsed") throw new Error(`unparsable: ${result.reason}`);
  return result.commands.some((c) => criticalRemoval(c, ctx));
}

describe("criticalRemoval", () => {
  const criticalLines = [
    "rm -rf /",
    "rm -rf /usr",
    "rm -rf /usr/",
    "rm -r /tmp",
    "rmdir /opt",
    "rm -rf ~",
    "rm -rf ~/",
    "rm -rf $HOME",
    'rm -rf "$HOME"',
    "rm -rf /home/me",
    "rm -rf /home",
    "rm -rf .",
    "rm -rf ./",
    "rm -rf ..",
    "rm -rf ../..",
    "rm -rf /work/proj",
    "rm -rf /work",
    "rm -rf /srv/extra",
    "rm -rf src/../..",
    "rm -rf *",
    "rm -rf ./*",
    "rm -rf .*",
    "rm -rf /*",
    "rm -rf ~/*",
    "rm -rf /u*",
    'rm -rf "$X"/*',
    'rm -rf "$X"',
    "rm -rf ${DIR:-/}",
    "rm -rf -- /",
    "rm -rf x /",
    "/bin/rm -rf /",
    "sudo rm -rf /",
    "timeout 5 rm -rf ~",
    "env X=1 rm -rf /",
    "bash -c 'rm -rf ~'",
    "echo $(rm -rf /)",
    "find . -type f | xargs rm -rf",
    "find / -name x -delete",
    "find ~ -delete",
    "find -delete",
    "$RM -rf /",
  ];
  it.each(criticalLines)("critical: %j", async (line) => {
    expect(await critical(line)).toBe(true);
  });

  const ordinaryLines = [
    "rm -rf build",
    "rm -rf ./node_modules",
    "rm x.txt",
    "rm -rf /tmp/cairn-test",
    "rm -rf ~/projects/other",
    "rm -rf /work/proj/dist",
    "rm -rf src/*",
    "rm -rf 'build dir'",
    "rm -rf /usr/local/share/x",
    "rmdir empty",
    "ls /",
    "cat ~",
    "find . -name '*.o' -print",
    "find build -delete",
    "echo rm -rf /",
    "git rm -r --cached x",
  ];
  it.each(ordinaryLines)("not critical: %j", async (line) => {
    expect(await critical(line)).toBe(false);
  });

  it("judges relative paths from the shell's directory", async () => {
    const inSrc = { ...context, cwd: "/work/proj/src" };
    expect(await critical("rm -rf ..", inSrc)).toBe(true);
    expect(await critical("rm -rf *", inSrc)).toBe(false);
    expect(await critical("rm -rf ../*", inSrc)).toBe(true);
  });

  it("defaults the directory to the first workspace root", async () => {
    const { cwd: _cwd, ...noCwd } = context;
    expect(await critical("rm -rf *", noCwd)).toBe(true);
  });
});
