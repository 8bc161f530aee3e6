import {
  chmod,
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
