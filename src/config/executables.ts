// Finding the programs cairn runs (bash, ripgrep, bubblewrap, sandbox-exec): an explicit path,
// or the first executable file of that name on PATH. Synchronous: a few stat calls.

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first of `names` found as an executable file in a PATH folder, in PATH order. */
export function findOnPath(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  for (const folder of (env.PATH ?? "").split(delimiter)) {
    if (folder === "") continue;
    for (const name of names) {
      const candidate = join(folder, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}
