import {
  chmod,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.ts";

let dir: string;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "cairn-atomic-")));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("atomic-write", () => {
  it("replaces the content and keeps the mode, including bits the umask would drop", async () => {
    const file = join(dir, "a.sh");
    await writeFile(file, "old", { mode: 0o600 });
    await chmod(file, 0o777);
    await writeFileAtomic(file, Buffer.from("new"));
    expect(await readFile(file, "utf8")).toBe("new");
    expect((await stat(file)).mode & 0o777).toBe(0o777);
    expect(await readdir(dir)).toEqual(["a.sh"]);
  });

  it("removes its temp file and rethrows when the rename fails", async () => {
    const target = join(dir, "taken");
    await mkdir(target);
    await writeFile(join(target, "inside"), "x");
    await expect(writeFileAtomic(target, Buffer.from("data"))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["taken"]);
  });
});

describe("writeFileAtomic and file identity", () => {
  it("refuses a read-only file instead of replacing it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-aw-"));
    const file = join(dir, "locked.txt");
    await writeFile(file, "old");
    await chmod(file, 0o444);
    await expect(writeFileAtomic(file, Buffer.from("new"))).rejects.toMatchObject({
      code: "EACCES",
    });
    expect(await readFile(file, "utf8")).toBe("old");
  });

  it("keeps hard links together by writing in place", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-aw-"));
    const one = join(dir, "one.txt");
    const two = join(dir, "two.txt");
    await writeFile(one, "old");
    await link(one, two);
    await writeFileAtomic(one, Buffer.from("new content"));
    expect(await readFile(two, "utf8")).toBe("new content");
    expect((await stat(one)).nlink).toBe(2);
  });
});
