// Per-session state the tools share: the file-read ledger, Bash's working directory, background
// jobs and a private temp folder. Created by the agent, passed to tools in their context.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJobRegistry, type JobRegistry } from "./background-jobs.ts";
import { createFileLedger, type FileLedger } from "./file-ledger.ts";
import type { Workspace } from "./paths.ts";
import type { Todo } from "./todo-write.ts";

export interface ToolSession {
  readonly workspace: Workspace;
  readonly files: FileLedger;
  /** Bash's working directory; a `cd` in one call sticks for the next. */
  readonly shell: { cwd: string };
  readonly jobs: JobRegistry;
  /** TodoWrite's task list, replaced whole on each call. */
  readonly todos: { items: Todo[] };
  /** A private folder for spilled outputs, created on first use and removed on dispose. */
  tempDir(): Promise<string>;
  dispose(): Promise<void>;
}

export function createToolSession(workspace: Workspace): ToolSession {
  let temp: Promise<string> | undefined;
  const jobs = createJobRegistry();
  return {
    workspace,
    files: createFileLedger(),
    shell: { cwd: workspace.root },
    todos: { items: [] },
    jobs,
    tempDir: () => (temp ??= mkdtemp(join(tmpdir(), "cairn-"))),
    async dispose() {
      await jobs.dispose();
      if (temp) await rm(await temp, { recursive: true, force: true });
    },
  };
}
