// Where a session's files live: `<cairn home>/projects/<workspace key>/<id>.jsonl`, its lock and
// its side folder. Pure path arithmetic; nothing here touches the disk.

import { createHash } from "node:crypto";
import { join } from "node:path";
import { CairnError } from "../core/errors.ts";

/** Longest workspace key kept whole; longer ones are cut and get a hash of the full path. */
const maxKeyLength = 200;

/**
 * The folder name of a workspace: its path with every character that is not an ASCII letter or
 * digit replaced by `-` (`/home/ann/my app` → `-home-ann-my-app`), as Claude Code names its
 * project folders. `root` must already be an absolute real path (cli/setup's `resolveCwd`).
 * Paths that would give more than 200 characters keep a prefix and a hash of the whole path, so
 * the name stays below file-system limits and two long paths do not share a folder.
 */
export function workspaceKey(root: string): string {
  const key = root.replace(/[^a-zA-Z0-9]/g, "-");
  if (key.length <= maxKeyLength) return key;
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 12);
  return `${key.slice(0, maxKeyLength - hash.length - 1)}-${hash}`;
}

/** The folder holding every project's sessions. */
export function projectsDir(cairnHome: string): string {
  return join(cairnHome, "projects");
}

/** The folder holding the sessions of one workspace. */
export function projectDir(cairnHome: string, root: string): string {
  return join(projectsDir(cairnHome), workspaceKey(root));
}

export interface SessionPaths {
  /** The append-only JSONL transcript. */
  transcript: string;
  /** Present while a process writes the transcript. */
  lock: string;
  /** Per-session data other modules keep beside the transcript (checkpoints); removed with it. */
  dataDir: string;
}

export function sessionPaths(dir: string, sessionId: string): SessionPaths {
  assertSessionId(sessionId);
  return {
    transcript: join(dir, `${sessionId}.jsonl`),
    lock: join(dir, `${sessionId}.lock`),
    dataDir: join(dir, sessionId),
  };
}

/** Session ids become file names, so they are restricted to characters that cannot leave the folder. */
export function isValidSessionId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(id);
}

export function assertSessionId(id: string): void {
  if (!isValidSessionId(id)) {
    throw new CairnError(
      "bad_flag",
      `invalid session id ${JSON.stringify(id)}`,
      "A session id is made of letters, digits, '-' and '_' (cairn uses UUIDs).",
    );
  }
}
