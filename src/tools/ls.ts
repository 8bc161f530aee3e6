// The LS tool: a folder's entries and those of its sub-folders (two levels), folders first,
// compact enough to orient a model. Ignored folders are shown but not opened; `.git` is skipped.

import type { Dirent } from "node:fs";
import { readdir, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import picomatch from "picomatch";
import * as z from "zod/mini";
import { ignoreScope, type IgnoreScope } from "./file-walk.ts";
import { fsFailure } from "./fs-errors.ts";
import { literalParens } from "./glob-syntax.ts";
import { isErrnoCode } from "../fs/index.ts";
import { missingPathMessage } from "./path-suggestions.ts";
import { resolvePath } from "./paths.ts";
import { defineTool } from "./tool.ts";

/** Lines of output at most. */
const MAX_ENTRIES = 1000;
/** Entries shown per second-level folder, so one huge folder cannot crowd out the rest. */
const PER_SUBFOLDER = 50;

interface Entry {
  name: string;
  kind: "dir" | "file" | "link";
  /** For links: where they point. */
  target?: string;
  ignored: boolean;
}

export const lsTool = defineTool({
  name: "LS",
  description:
    "List a folder: its entries and, one level down, its sub-folders' entries (folders end in /, folders first). Skips .git; folders ignored by .gitignore are listed but not opened. Use Glob to find files by pattern.",
  input: z.object({
    path: z
      .string()
      .check(z.describe("Folder to list (absolute, or relative to the workspace root)")),
    ignore: z
      .optional(z.array(z.string()))
      .check(
        z.describe(
          'Glob patterns to leave out, matched against names and relative paths (e.g. "*.log")',
        ),
      ),
  }),
  readOnly: true,
  describeAccess: (input) => ({ kind: "read", paths: [input.path] }),
  async run(input, ctx) {
    const folder = await resolvePath(ctx.session.workspace, input.path, ctx.cwd);
    try {
      if (!(await stat(folder.real)).isDirectory()) {
        return {
          isError: true,
          content: `${folder.display} is a file, not a folder. Use Read to see its content.`,
        };
      }
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) return fsFailure(error, "list", folder.display);
      return { isError: true, content: await missingPathMessage(folder.absolute, folder.display) };
    }
    const leaveOut = picomatch((input.ignore ?? []).map(literalParens), { dot: true });
    const denied = ctx.session.readDeny.covers;
    // What a Read deny rule covers is not listed at all: its name can be a secret too.
    const skip = (path: string, name: string) =>
      leaveOut(name) || leaveOut(path) || denied(join(folder.real, path));
    const scope = await ignoreScope(folder.real, ctx.session.workspace.root);
    const top = await entriesOf(folder.real, "", scope, skip);
    const lines: string[] = [`${folder.display === "." ? "." : folder.display}/`];
    let omitted = 0;
    for (const entry of top) {
      if (ctx.signal.aborted) break;
      if (lines.length > MAX_ENTRIES) {
        omitted++;
        continue;
      }
      lines.push(`  ${describe(entry)}`);
      if (entry.kind !== "dir" || entry.ignored) continue;
      const inner = await entriesOf(
        join(folder.real, entry.name),
        entry.name,
        await scope.enter(entry.name),
        skip,
      );
      const room = Math.min(PER_SUBFOLDER, MAX_ENTRIES + 1 - lines.length);
      for (const child of inner.slice(0, room)) lines.push(`    ${describe(child)}`);
      if (inner.length > room) lines.push(`    … ${inner.length - room} more`);
    }
    ctx.signal.throwIfAborted();
    if (top.length === 0) lines.push("  (empty)");
    if (omitted > 0) {
      lines.push(
        `(truncated: ${omitted} more entries in ${folder.display}; list a sub-folder, or use Glob with a pattern)`,
      );
    }
    return { content: lines.join("\n") };
  },
});

async function entriesOf(
  absolute: string,
  path: string,
  scope: IgnoreScope,
  skip: (path: string, name: string) => boolean,
): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(absolute, { withFileTypes: true });
  } catch {
    return []; // unreadable
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    const { name } = dirent;
    const relativePath = path === "" ? name : `${path}/${name}`;
    if (name === ".git" || skip(relativePath, name)) continue;
    if (dirent.isSymbolicLink()) {
      const target = await readlink(join(absolute, name)).catch(() => "?");
      entries.push({ name, kind: "link", target, ignored: scope.ignores(relativePath, false) });
      continue;
    }
    const isDir = dirent.isDirectory();
    entries.push({
      name,
      kind: isDir ? "dir" : "file",
      ignored: scope.ignores(relativePath, isDir),
    });
  }
  return entries.sort(
    (a, b) =>
      Number(b.kind === "dir") - Number(a.kind === "dir") ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function describe(entry: Entry): string {
  const ignored = entry.ignored ? " (ignored)" : "";
  switch (entry.kind) {
    case "dir":
      return `${entry.name}/${ignored}`;
    case "file":
      return `${entry.name}${ignored}`;
    case "link":
      return `${entry.name} -> ${entry.target ?? "?"}${ignored}`;
    default: {
      const unknown: never = entry.kind;
      return String(unknown);
    }
  }
}
