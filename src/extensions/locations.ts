// Where the Markdown extensions live: `commands/`, `agents/` and `skills/` folders under the
// user's `~/.claude` and cairn home, and the project's `.claude` and `.cairn`. A repository's
// own folders count only when the user trusts it: their prompts and `!` commands are its words.

import { join } from "node:path";

export type ExtensionKind = "commands" | "agents" | "skills";

export interface ExtensionFolder {
  scope: "user" | "project";
  path: string;
}

export interface ExtensionRoots {
  workspaceRoot: string;
  /** The user's home, for `~/.claude` when `claudeHome` is not given. */
  home: string;
  /** `$CAIRN_HOME` or `~/.cairn`. */
  cairnHome: string;
  /** `$CLAUDE_CONFIG_DIR` or `~/.claude`. */
  claudeHome?: string;
  trusted: boolean;
}

/**
 * The folders to read for `kind`, lowest precedence first: a later folder's entry of the same
 * name wins (project over user, `.cairn` over `.claude` at the same level).
 */
export function extensionFolders(kind: ExtensionKind, roots: ExtensionRoots): ExtensionFolder[] {
  const claudeHome = roots.claudeHome ?? join(roots.home, ".claude");
  const folders: ExtensionFolder[] = [
    { scope: "user", path: join(claudeHome, kind) },
    { scope: "user", path: join(roots.cairnHome, kind) },
  ];
  if (roots.trusted) {
    folders.push(
      { scope: "project", path: join(roots.workspaceRoot, ".claude", kind) },
      { scope: "project", path: join(roots.workspaceRoot, ".cairn", kind) },
    );
  }
  return folders;
}
