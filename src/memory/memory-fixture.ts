// Test support for memory: a real temp folder with a home and a repository, and a way to write a
// tree of files into it. Used only by tests.

import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadMemory, type LoadedMemory, type LoadMemoryOptions } from "./load-memory.ts";

export interface MemoryFixture {
  /** The temp folder holding everything. */
  base: string;
  home: string;
  cairnHome: string;
  /** `<base>/repo`, with a `.git` folder. */
  repo: string;
  /** Writes files (folders created as needed); paths are relative to `base`. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  load(options?: Partial<LoadMemoryOptions>): Promise<LoadedMemory>;
  dispose(): Promise<void>;
}

export async function createMemoryFixture(): Promise<MemoryFixture> {
  const base = await realpath(await mkdtemp(join(tmpdir(), "cairn-memory-")));
  const home = join(base, "home");
  const cairnHome = join(home, ".cairn");
  const repo = join(base, "repo");
  await mkdir(join(repo, ".git"), { recursive: true });
  await mkdir(home, { recursive: true });
  return {
    base,
    home,
    cairnHome,
    repo,
    async write(files) {
      for (const [name, content] of Object.entries(files)) {
        const path = join(base, name);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
    },
    load: (options) => loadMemory({ cwd: repo, home, cairnHome, ...options }),
    dispose: () => rm(base, { recursive: true, force: true }),
  };
}
