// Where cairn keeps its own files: $CAIRN_HOME, or ~/.cairn.

import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function cairnHome(env: Readonly<Record<string, string | undefined>>): string {
  const configured = env.CAIRN_HOME?.trim();
  if (configured) return resolve(configured);
  return join(env.HOME?.trim() || homedir(), ".cairn");
}
