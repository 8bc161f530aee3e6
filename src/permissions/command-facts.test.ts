import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidateWords, gatherCommandFacts } from "./command-facts.ts";
import type { Redirect, SimpleCommand, Word } from "./shell/types.ts";

const lit = (value: string): Word => ({ kind: "literal", value });
const dyn = (text: string): Word => ({ kind: "dynamic", text });
const command = (argv: Word[], redirects: Redirect[] = []): SimpleCommand => ({
  text: argv.map((w) => (w.kind === "literal" ? w.value : w.text)).join(" "),
  assignments: [],
  argv,
  redirects,
});
const texts = (c: SimpleCommand) =>
  candidateWords(c).map(
    ({ word, role }) => `${role}:${word.kind === "literal" ? word.value : word.text}`,
  );

describe("candidate words", () => {
  it("takes arguments, option values and redirect targets, not options or descriptors", () => {
    const c = command(
      [lit("grep"), lit("-r"), lit("--file=pats"), lit("x"), lit("if=/etc/passwd"), dyn("$F")],
      [
        { operator: "<", target: lit(".env"), writes: false },
        { operator: ">", target: lit("out"), writes: true },
        { operator: ">&", target: lit("2"), writes: false },
        { operator: ">", target: lit("/dev/null"), writes: false },
        { operator: "<<<", target: lit("text"), writes: false },
      ],
    );
    expect(texts(c)).toEqual([
      "argument:pats",
      "argument:x",
      "argument:if=/etc/passwd",
      "argument:/etc/passwd",
      "argument:$F",
      "input:.env",
      "output:out",
    ]);
  });

  it("takes the program only when it is given by path", () => {
    expect(texts(command([lit("./run.sh")]))).toEqual(["argument:./run.sh"]);
    expect(texts(command([lit("ls")]))).toEqual([]);
  });
});

describe("gathered facts", () => {
  let root: string;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "cairn-facts-")));
    await mkdir(join(root, "sub"));
    await writeFile(join(root, ".env"), "");
    await writeFile(join(root, "sub/a.ts"), "");
    await writeFile(join(root, "sub/b.ts"), "");
    await symlink(join(root, "sub"), join(root, "link"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const gather = (...commands: SimpleCommand[]) =>
    gatherCommandFacts(
      { kind: "parsed", commands, hazards: [] },
      { workspace: { root, additionalDirs: [] }, cwd: root, home: "/home/me" },
    );

  it("resolves a relative word against every folder a cd may have led to", async () => {
    const facts = await gather(
      command([lit("cd"), lit("link")]),
      command([lit("cat"), lit("../.env")]),
    );
    const reals = facts.commands[1]?.operands[0]?.resolved.map((p) => p.real);
    // From the workspace root, from the logical folder and from the physical one.
    expect(reals).toContain(join(root, ".env"));
    expect(reals).toContain(join(dirname(root), ".env"));
  });

  it("gives up on relative words after a cd it cannot follow", async () => {
    const facts = await gather(
      command([lit("cd"), dyn("$D")]),
      command([lit("cat"), lit("x"), lit("/etc/hosts")]),
    );
    expect(facts.commands[1]?.unresolved).toEqual([{ text: "x", role: "argument" }]);
    expect(facts.commands[1]?.operands.map((o) => o.word)).toEqual(["/etc/hosts"]);
  });

  it("expands ~ and $HOME at the start of a word to the session's home", async () => {
    const facts = await gather(
      command([lit("cat"), dyn("~/.ssh/id_rsa"), dyn("$HOME/.aws/*"), dyn("${HOME}")]),
      command([lit("cd"), dyn("~")]),
      command([lit("cat"), lit("notes")]),
    );
    expect(facts.commands[0]?.operands.map((o) => o.word)).toEqual([
      "/home/me/.ssh/id_rsa",
      "/home/me/.aws/*",
      "/home/me",
    ]);
    expect(facts.commands[2]?.cwds).toEqual([root, "/home/me"]);
  });

  it("expands plain globs as bash would, dotfiles only for a leading dot", async () => {
    const facts = await gather(
      command([lit("cat"), dyn("sub/*.ts"), dyn(".e*"), dyn("*"), dyn("nomatch*")]),
    );
    const words = facts.commands[0]?.operands.map((o) => o.word);
    expect(words).toEqual(
      expect.arrayContaining([
        join(root, "sub/a.ts"),
        join(root, "sub/b.ts"),
        join(root, ".env"),
        "nomatch*",
      ]),
    );
    expect(words).not.toContain(join(root, ".env").replace(".env", "*"));
    expect(words?.filter((w) => w === join(root, ".env"))).toHaveLength(1);
    const unresolvedVar = await gather(command([lit("cat"), dyn("$D/x"), dyn('"$A"*')]));
    expect(unresolvedVar.commands[0]?.unresolved.map((u) => u.text)).toEqual(["$D/x", '"$A"*']);
  });
});
