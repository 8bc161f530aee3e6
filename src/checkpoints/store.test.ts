import { randomBytes } from "node:crypto";
import {
  appendFile,
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCheckpoints, type CheckpointStore } from "./index.ts";

let root: string;
let work: string;
let folder: string;
let store: CheckpointStore;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-checkpoints-")));
  work = join(root, "work");
  folder = join(root, "session", "checkpoints");
  await mkdir(work);
  store = await openCheckpoints(folder);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const at = (name: string) => join(work, name);

/** What a file tool does: save, change, record the result. */
async function change(paths: string[], act: () => Promise<unknown>): Promise<void> {
  await store.beforeChange(paths);
  await act();
  await store.afterChange(paths);
}

async function rewind(toTurn: number) {
  return store.restore(await store.planRestore(toTurn));
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe("checkpoints › rewind restores bytes exactly", () => {
  it("puts back binary, CRLF, no final newline, empty files and mode bits", async () => {
    const originals: Record<string, Buffer> = {
      "random.bin": randomBytes(70_000),
      "crlf.txt": Buffer.from("one\r\ntwo\r\nthree\r\n"),
      "no-newline.txt": Buffer.from("last line without newline"),
      "empty.txt": Buffer.alloc(0),
      "script.sh": Buffer.from("#!/bin/sh\necho hi\n"),
    };
    for (const [name, data] of Object.entries(originals)) await writeFile(at(name), data);
    await chmod(at("script.sh"), 0o755);
    await chmod(at("crlf.txt"), 0o600);

    await store.beginTurn({ prompt: "rewrite everything", messageCount: 0 });
    const paths = Object.keys(originals).map(at);
    await change(paths, async () => {
      for (const path of paths) await writeFile(path, "changed\n");
      await chmod(at("script.sh"), 0o644);
      await chmod(at("crlf.txt"), 0o666);
    });

    const report = await rewind(1);
    expect(report.results.map((r) => r.outcome)).toEqual(paths.map(() => "restored"));
    for (const [name, data] of Object.entries(originals)) {
      expect((await readFile(at(name))).equals(data), name).toBe(true);
    }
    expect(await modeOf(at("script.sh"))).toBe(0o755);
    expect(await modeOf(at("crlf.txt"))).toBe(0o600);
  });

  it("deletes a file created during the turn, with the folders made for it", async () => {
    await store.beginTurn({ prompt: "add a module", messageCount: 0 });
    const path = at("src/new/module.ts");
    await change([path], async () => {
      await mkdir(at("src/new"), { recursive: true });
      await writeFile(path, "export {};\n");
    });
    const report = await rewind(1);
    expect(report.results).toEqual([{ path, outcome: "deleted" }]);
    await expect(lstat(at("src"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("brings back a deleted file with its mode", async () => {
    await writeFile(at("keep.sh"), "#!/bin/sh\n");
    await chmod(at("keep.sh"), 0o750);
    await store.beginTurn({ prompt: "clean up", messageCount: 0 });
    await change([at("keep.sh")], () => unlink(at("keep.sh")));
    await rewind(1);
    expect(await readFile(at("keep.sh"), "utf8")).toBe("#!/bin/sh\n");
    expect(await modeOf(at("keep.sh"))).toBe(0o750);
  });

  it("restores a file edited in turns 2 and 3 to how it was before turn 2", async () => {
    await writeFile(at("a.txt"), "v0");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v1"));
    await store.beginTurn({ prompt: "two", messageCount: 2, messageId: "prompt-2" });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v2"));
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v2b"));
    await store.beginTurn({ prompt: "three", messageCount: 4 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v3"));

    const plan = await store.planRestore(2);
    expect(plan).toMatchObject({
      toTurn: 2,
      prompt: "two",
      messageCount: 2,
      messageId: "prompt-2",
    });
    expect(plan.items).toMatchObject([{ path: at("a.txt"), turn: 2, action: "restore" }]);
    await store.restore(plan);
    expect(await readFile(at("a.txt"), "utf8")).toBe("v1");
  });

  it("rewinding to a later turn keeps the changes of earlier turns", async () => {
    await writeFile(at("a.txt"), "a0");
    await writeFile(at("b.txt"), "b0");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "a1"));
    await store.beginTurn({ prompt: "two", messageCount: 2 });
    await change([at("b.txt")], () => writeFile(at("b.txt"), "b2"));
    await rewind(2);
    expect(await readFile(at("a.txt"), "utf8")).toBe("a1");
    expect(await readFile(at("b.txt"), "utf8")).toBe("b0");
  });

  it("stores identical content once", async () => {
    const same = randomBytes(4096);
    await writeFile(at("x.bin"), same);
    await writeFile(at("y.bin"), same);
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("x.bin"), at("y.bin")], async () => {
      await writeFile(at("x.bin"), "x");
      await writeFile(at("y.bin"), "y");
    });
    await writeFile(at("x.bin"), same);
    await store.beginTurn({ prompt: "two", messageCount: 2 });
    await change([at("x.bin")], () => writeFile(at("x.bin"), "x2"));
    expect(await readdir(join(folder, "blobs"))).toHaveLength(1);
  });

  it("keeps a symlink a symlink, and restores the file a write went through it to", async () => {
    await writeFile(at("target.txt"), "original");
    await symlink("target.txt", at("link.txt"));
    await store.beginTurn({ prompt: "edit through the link, then remove it", messageCount: 0 });
    await change([at("link.txt")], () => writeFile(at("link.txt"), "through the link"));
    await change([at("link.txt")], () => unlink(at("link.txt")));

    const report = await rewind(1);
    expect(report.results.map((r) => [r.path, r.outcome])).toEqual([
      [at("link.txt"), "restored"],
      [at("target.txt"), "restored"],
    ]);
    expect((await lstat(at("link.txt"))).isSymbolicLink()).toBe(true);
    expect(await readlink(at("link.txt"))).toBe("target.txt");
    expect(await readFile(at("target.txt"), "utf8")).toBe("original");
  });

  it("replaces a symlink that now stands where a file was, without writing through it", async () => {
    await writeFile(at("a.txt"), "mine");
    await writeFile(at("elsewhere.txt"), "untouched");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], async () => {
      await unlink(at("a.txt"));
      await symlink(at("elsewhere.txt"), at("a.txt"));
    });
    await rewind(1);
    expect((await lstat(at("a.txt"))).isFile()).toBe(true);
    expect(await readFile(at("a.txt"), "utf8")).toBe("mine");
    expect(await readFile(at("elsewhere.txt"), "utf8")).toBe("untouched");
  });
});

describe("checkpoints › rewind never writes through a link", () => {
  it("refuses a file whose folder was replaced by a symlink, and restores the rest", async () => {
    await mkdir(at("sub"));
    await writeFile(at("sub/x.txt"), "x0");
    await writeFile(at("y.txt"), "y0");
    await mkdir(at("elsewhere"));
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("sub/x.txt"), at("y.txt")], async () => {
      await writeFile(at("sub/x.txt"), "x1");
      await writeFile(at("y.txt"), "y1");
    });
    await rm(at("sub"), { recursive: true });
    await symlink(at("elsewhere"), at("sub"));

    const report = await rewind(1);
    expect(report.results[0]).toMatchObject({
      path: at("sub/x.txt"),
      outcome: "failed",
      detail: expect.stringContaining("symbolic link") as unknown,
    });
    expect(report.results[1]).toMatchObject({ path: at("y.txt"), outcome: "restored" });
    expect(await readdir(at("elsewhere"))).toEqual([]);
    expect(await readFile(at("y.txt"), "utf8")).toBe("y0");
  });

  it("restores a hard-linked file in place, so every name gets the old bytes back", async () => {
    await writeFile(at("a.txt"), "old");
    await link(at("a.txt"), at("same.txt"));
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "new"));
    await rewind(1);
    expect(await readFile(at("same.txt"), "utf8")).toBe("old");
    expect((await stat(at("a.txt"))).ino).toBe((await stat(at("same.txt"))).ino);
  });
});

describe("checkpoints › what is not covered", () => {
  it("lists shell commands as not covered, per turn and in the plan", async () => {
    await store.beginTurn({ prompt: "build it\nwith details", messageCount: 0 });
    await store.noteUncovered("Bash", "npm run build");
    await store.noteUncovered("Bash", `echo ${"x".repeat(300)}`);
    const [turn] = await store.list();
    expect(turn).toMatchObject({ index: 1, prompt: "build it", files: [] });
    expect(turn?.uncovered[0]).toEqual({ tool: "Bash", command: "npm run build" });
    expect([...(turn?.uncovered[1]?.command ?? "")]).toHaveLength(200);
    expect((await store.planRestore(1)).uncovered).toHaveLength(2);
  });

  it("names a folder or a file over the size cap as not saved, without failing the change", async () => {
    store = await openCheckpoints(folder, { maxFileBytes: 10 });
    await mkdir(at("dir"));
    await writeFile(at("big.bin"), randomBytes(11));
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("dir"), at("big.bin")], () => writeFile(at("big.bin"), "small"));
    const [turn] = await store.list();
    expect(turn?.unsaved).toEqual([
      { path: at("dir"), reason: "it is a folder" },
      { path: at("big.bin"), reason: "it is larger than 10 bytes" },
    ]);
    const report = await rewind(1);
    expect(report.results.map((r) => r.outcome)).toEqual(["not_covered", "not_covered"]);
    expect(await readFile(at("big.bin"), "utf8")).toBe("small");
  });

  it("flags a file changed outside cairn since cairn wrote it, and still restores it", async () => {
    await writeFile(at("a.txt"), "v0");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v1"));
    await writeFile(at("a.txt"), "edited by hand");
    const plan = await store.planRestore(1);
    expect(plan.items[0]?.conflict).toContain("changed since cairn last wrote it in turn 1");
    const report = await store.restore(plan);
    expect(report.results[0]).toMatchObject({
      outcome: "restored",
      conflict: expect.any(String) as unknown,
    });
    expect(await readFile(at("a.txt"), "utf8")).toBe("v0");
  });

  it("does not list a file a failed tool call left as it was", async () => {
    await writeFile(at("a.txt"), "v0");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => Promise.resolve());
    expect((await store.list())[0]?.files).toEqual([]);
    expect((await store.planRestore(1)).items[0]?.action).toBe("unchanged");
  });
});

describe("checkpoints › the session's history", () => {
  it("refuses to save a change outside a turn", async () => {
    await expect(store.beforeChange([at("a.txt")])).rejects.toThrow("no turn has begun");
  });

  it("refuses a turn that does not exist, naming the ones that do", async () => {
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await expect(store.planRestore(5)).rejects.toMatchObject({
      message: "checkpoints: there is no turn 5",
      hint: "This session's turns are numbered 1 to 1.",
    });
  });

  it("continues the numbering and restores after the store is opened again", async () => {
    await writeFile(at("a.txt"), "v0");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v1"));
    store = await openCheckpoints(folder);
    expect(await store.beginTurn({ prompt: "two", messageCount: 2 })).toBe(2);
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v2"));
    store = await openCheckpoints(folder);
    await rewind(1);
    expect(await readFile(at("a.txt"), "utf8")).toBe("v0");
  });

  it("can still reach a turn's starting state after an earlier rewind", async () => {
    // p: A at the start of turn 2, B at the start of turn 3. Rewinding to 2 puts A back; a later
    // rewind to 3 must give B again, which only the rewind's own saved changes know about.
    await writeFile(at("p.txt"), "A");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await store.beginTurn({ prompt: "two", messageCount: 2 });
    await change([at("p.txt")], () => writeFile(at("p.txt"), "B"));
    await store.beginTurn({ prompt: "three", messageCount: 4 });
    await rewind(2);
    expect(await readFile(at("p.txt"), "utf8")).toBe("A");
    await store.beginTurn({ prompt: "four", messageCount: 2 });
    await rewind(3);
    expect(await readFile(at("p.txt"), "utf8")).toBe("B");
    const turns = await store.list();
    expect(turns[2]?.rewinds).toEqual([2]);
    expect(turns[1]?.files).toEqual([at("p.txt")]);
  });

  it("ignores a half-written last line left by a crash, and appends after it cleanly", async () => {
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await appendFile(join(folder, "index.jsonl"), '{"type":"file","tu');
    store = await openCheckpoints(folder);
    expect(await store.beginTurn({ prompt: "two", messageCount: 2 })).toBe(2);
    store = await openCheckpoints(folder);
    expect((await store.list()).map((t) => t.prompt)).toEqual(["one", "two"]);
  });

  it("reports a damaged line with its place", async () => {
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await appendFile(join(folder, "index.jsonl"), '{"type":"turn","index":0}\n');
    await expect(openCheckpoints(folder)).rejects.toMatchObject({
      code: "bad_input",
      message: expect.stringContaining("index.jsonl:2: index:") as unknown,
    });
  });

  it("keeps its folders and files private to the user", async () => {
    await writeFile(at("a.txt"), "secret");
    await store.beginTurn({ prompt: "one", messageCount: 0 });
    await change([at("a.txt")], () => writeFile(at("a.txt"), "v1"));
    expect(await modeOf(folder)).toBe(0o700);
    expect(await modeOf(join(folder, "blobs"))).toBe(0o700);
    expect(await modeOf(join(folder, "index.jsonl"))).toBe(0o600);
    const [blob] = await readdir(join(folder, "blobs"));
    expect(await modeOf(join(folder, "blobs", blob ?? ""))).toBe(0o600);
  });
});
