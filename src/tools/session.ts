// Per-session state the tools share: the file-read ledger, Bash's working directory, background
// jobs, a private temp folder, what searches leave out and the shell parser the permission check
// uses. Created by the agent, passed to tools in their context.

import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { ShellParser } from "../permissions/index.ts";
import { createExecutor, type Executor } from "../sandbox/index.ts";
import { isErrnoCode } from "../fs/index.ts";
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
  /** What Glob, Grep and LS leave out: files a Read deny rule covers. */
  readonly readDeny: ReadDenyFilter;
  /** The shell parser for permission checks: one per session, created by the first Bash call. */
  readonly shellParser: { current?: ShellParser };
  /** The user's home folder and the platform, as path rules and protected paths judge them. */
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** The environment commands start from (the process's plus the settings' `env`). */
  readonly env: NodeJS.ProcessEnv;
  /** How Bash commands are run: plain, or inside the sandbox (src/sandbox). */
  readonly executor: Executor;
  /** Notes a tool gives once a session (an unusable BASH_* value), by their text. */
  readonly notesGiven: Set<string>;
  /**
   * A private folder for spilled outputs (a long command's whole output, background jobs' logs),
   * created on first use and removed on dispose. Its path is fixed from the start (`outputDir`),
   * so that the permission check can let the read tools open what the markers point to.
   */
  tempDir(): Promise<string>;
  /** Where `tempDir()` creates the folder: a real path, which may not exist yet. */
  readonly outputDir: string;
  dispose(): Promise<void>;
}

/** Files a search must leave out (built from the Read deny rules by the permissions module). */
export interface ReadDenyFilter {
  /** Whether a Read deny rule covers this absolute path (or a folder above it). */
  readonly covers: (path: string) => boolean;
  /**
   * ripgrep arguments that exclude what the rules cover from a search run in `root`, for the
   * patterns that translate exactly; results are filtered with `covers` as well.
   */
  readonly ripgrepArgs: (root: string) => string[];
}

export interface ToolSessionOptions {
  /** Default: the process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Default: nothing is left out. */
  readDeny?: ReadDenyFilter;
  /** Default: the current user's. */
  home?: string;
  platform?: NodeJS.Platform;
  /** Default: commands run without a sandbox. */
  executor?: Executor;
}

const nothingDenied: ReadDenyFilter = { covers: () => false, ripgrepArgs: () => [] };

export function createToolSession(
  workspace: Workspace,
  options: ToolSessionOptions = {},
): ToolSession {
  let temp: Promise<string> | undefined;
  // A random name chosen now, made on first use; in the unlikely case it is taken, mkdtemp picks
  // another (which the read tools then cannot open without asking, the safe side).
  const outputDir = join(realTmpdir(), `cairn-${randomBytes(8).toString("hex")}`);
  const makeOutputDir = async (): Promise<string> => {
    try {
      await mkdir(outputDir, { mode: 0o700 });
      return outputDir;
    } catch (error) {
      if (!isErrnoCode(error, "EEXIST")) throw error;
      return mkdtemp(join(realTmpdir(), "cairn-"));
    }
  };
  const jobs = createJobRegistry();
  const executor = options.executor ?? createExecutor({ mode: "none" });
  return {
    workspace,
    files: createFileLedger(),
    shell: { cwd: workspace.root },
    todos: { items: [] },
    readDeny: options.readDeny ?? nothingDenied,
    shellParser: {},
    home: options.home ?? homedir(),
    platform: options.platform ?? process.platform,
    env: options.env ?? process.env,
    executor,
    notesGiven: new Set(),
    jobs,
    tempDir: () => (temp ??= makeOutputDir()),
    outputDir,
    async dispose() {
      await jobs.dispose();
      // The sandbox's network proxy (if one was started) closes with the session.
      await executor.dispose();
      if (temp) await rm(await temp, { recursive: true, force: true });
    },
  };
}

/** The system temp folder as a real path (on macOS, /var is a link to /private/var). */
function realTmpdir(): string {
  try {
    return realpathSync(tmpdir());
  } catch {
    return tmpdir();
  }
}
