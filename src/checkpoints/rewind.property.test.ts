import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openCheckpoints, type CheckpointStore } from "./index.ts";

// A few names, some in folders that do not exist at first, so writes create folders.
const names = ["a.txt", "b.bin", "dir/c.txt", "dir/deeper/d.txt"] as const;

type Op =
  | { type: "write"; name: (typeof names)[number]; data: Uint8Array; mode: number }
  | { type: "delete"; name: (typeof names)[number] };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant("write" as const),
    name: fc.constantFrom(...names),
    // Small alphabets make equal contents (shared blobs) and CR/LF bytes common.
    data: fc
      .uint8Array({ maxLength: 12 })
      .map((b) => b.map((x) => [0, 10, 13, 65, 255][x % 5] ?? 0)),
    mode: fc.constantFrom(0o644, 0o600, 0o755),
  }),
  fc.record({ type: fc.constant("delete" as const), name: fc.constantFrom(...names) }),
);

/** Every regular file below `root`, with its bytes and mode (empty folders are not state). */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const mode = (await lstat(path)).mode & 0o7777;
        out[relative(root, path)] = `${mode.toString(8)}:${(await readFile(path)).toString("hex")}`;
      }
    }
  };
  await walk(root);
  return out;
}

/** Applies one op the way a file tool would, with the checkpoint calls around it. */
async function apply(store: CheckpointStore, work: string, o: Op): Promise<void> {
  const path = join(work, o.name);
  await store.beforeChange([path]);
  if (o.type === "write") {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, o.data);
    await chmod(path, o.mode);
  } else {
    await rm(path, { force: true });
  }
  await store.afterChange([path]);
}

describe("checkpoints › property", () => {
  it("rewinding to any turn, even after an earlier rewind, gives exactly the files that turn began with", async () => {
    const turns = fc.array(fc.array(op, { maxLength: 5 }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        turns,
        turns,
        fc.nat(),
        fc.nat(),
        async (before, after, firstPick, secondPick) => {
          const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-rewind-prop-")));
          try {
            const work = join(root, "work");
            await mkdir(work);
            await writeFile(join(work, "a.txt"), "start\r\n");
            const store = await openCheckpoints(join(root, "checkpoints"));
            const starts: Array<Record<string, string>> = [];
            const play = async (plan: Op[][]) => {
              for (const ops of plan) {
                starts.push(await snapshot(work));
                await store.beginTurn({ prompt: `turn ${starts.length}`, messageCount: 0 });
                for (const o of ops) await apply(store, work, o);
              }
            };
            await play(before);
            const first = 1 + (firstPick % starts.length);
            await store.restore(await store.planRestore(first));
            expect(await snapshot(work)).toEqual(starts[first - 1]);

            await play(after);
            const second = 1 + (secondPick % starts.length);
            const report = await store.restore(await store.planRestore(second));
            expect(report.results.filter((r) => r.outcome === "failed")).toEqual([]);
            expect(await snapshot(work)).toEqual(starts[second - 1]);
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
