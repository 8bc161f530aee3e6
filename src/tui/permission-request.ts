// Turns the agent's permission question into what the prompt shows: what the call would do, and
// the rule "don't ask again" would add. The rule is deliberately narrow: a command's program and
// subcommand, a folder for file writes, a domain for fetches; exact for commands that can do
// anything (`rm`, `sudo`, interpreters).

import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { PermissionRequest } from "../agent/index.ts";
import type { PendingPermission } from "./types.ts";
import { toolTarget } from "./tool-target.ts";

const maxCommandLines = 12;

/** Programs whose every use is different: "allow always" allows only the exact command. */
const exactOnly = new Set([
  "rm",
  "rmdir",
  "sudo",
  "su",
  "doas",
  "sh",
  "bash",
  "zsh",
  "dash",
  "fish",
  "eval",
  "exec",
  "env",
  "xargs",
  "find",
  "curl",
  "wget",
  "dd",
  "chmod",
  "chown",
  "mv",
  "cp",
  "kill",
  "pkill",
  "killall",
  "ssh",
  "scp",
  "rsync",
  "node",
  "deno",
  "bun",
  "python",
  "python3",
  "perl",
  "ruby",
  "php",
  "osascript",
]);

export function pendingPermission(request: PermissionRequest, root: string): PendingPermission {
  return {
    toolUseId: request.toolUseId,
    toolName: request.toolName,
    target: describeTarget(request, root),
    reason: request.reason,
    suggestedRule: suggestRule(request, root),
  };
}

function describeTarget(request: PermissionRequest, root: string): string {
  const { access } = request;
  switch (access.kind) {
    case "command": {
      const lines = access.command.trim().split("\n");
      return lines.length > maxCommandLines
        ? [
            ...lines.slice(0, maxCommandLines),
            `… (${lines.length - maxCommandLines} more lines)`,
          ].join("\n")
        : lines.join("\n");
    }
    case "read":
    case "write":
      return access.paths.map((p) => displayPath(resolve(root, p), root)).join(", ");
    case "network":
      return access.url;
    case "mcp":
      return `${access.server}: ${access.tool}`;
    case "none":
      return toolTarget(request.toolName, request.input, root);
    default: {
      const never: never = access;
      return never;
    }
  }
}

/** The rule that would let calls like this one run without asking. */
export function suggestRule(
  request: Pick<PermissionRequest, "toolName" | "access">,
  root: string,
): string {
  const { access, toolName } = request;
  switch (access.kind) {
    case "command":
      return `${toolName}(${commandSpecifier(access.command)})`;
    case "write":
      return fileRule("Edit", access.paths, root);
    case "read":
      return fileRule("Read", access.paths, root);
    case "network": {
      const host = hostOf(access.url);
      return host !== undefined ? `${toolName}(domain:${host})` : toolName;
    }
    case "none":
    case "mcp":
      return toolName;
    default: {
      const never: never = access;
      return never;
    }
  }
}

/**
 * `npm test --watch` → `npm test:*`; `ls -la` → `ls:*`; `rm -rf build` → `rm -rf build`. In a
 * compound command the first part that is not a `cd` decides.
 */
function commandSpecifier(command: string): string {
  const parts = command
    .split(/&&|\|\||[;|\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const main = parts.find((part) => !/^cd(\s|$)/.test(part)) ?? parts[0] ?? command.trim();
  const words = main.split(/\s+/);
  const program = words[0] ?? "";
  const plain = /^[A-Za-z0-9_][\w.+-]*$/;
  if (!plain.test(program) || exactOnly.has(program) || /[`$<>(){}*?]/.test(main)) return main;
  const sub = words[1];
  return sub !== undefined && /^[a-z][\w:.-]*$/.test(sub) ? `${program} ${sub}:*` : `${program}:*`;
}

/**
 * A folder's rule for the paths (all in one folder) or the one file at the workspace's top:
 * `/src/**` inside the workspace (anchored at its root), `//abs/dir/**` outside it.
 */
function fileRule(tool: "Edit" | "Read", paths: readonly string[], root: string): string {
  const absolute = paths.map((p) => resolve(root, p));
  const folders = new Set(absolute.map((p) => dirname(p)));
  const [folder] = folders;
  if (folder === undefined) return tool;
  if (folders.size > 1) return tool;
  const inside = relative(root, folder);
  if (inside === "" && absolute.length === 1 && absolute[0] !== undefined) {
    return `${tool}(/${relative(root, absolute[0]).split(sep).join("/")})`;
  }
  if (inside === "") return `${tool}(/*)`;
  if (!inside.startsWith("..") && !isAbsolute(inside)) {
    return `${tool}(/${inside.split(sep).join("/")}/**)`;
  }
  return `${tool}(/${folder.split(sep).join("/")}/**)`;
}

function displayPath(path: string, root: string): string {
  const inside = relative(root, path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}
