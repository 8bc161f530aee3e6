// How a running session serves a command's `@file` and `` !`cmd` ``: each judged by the
// permission engine exactly as a Read or Bash tool call would be (the session's policy plus the
// command's `allowed-tools`), and a command run through the Bash tool, so the sandbox applies.
// Never asks: what the policy would ask about is not done, and the reason comes back.

import { open, stat } from "node:fs/promises";
import {
  analyzeCommand,
  createShellParser,
  decide,
  prepareQuery,
  type PermissionPolicy,
  type Rule,
} from "../permissions/index.ts";
import { resolvePath, type Access, type Tool, type ToolSession } from "../tools/index.ts";

export type IncludeResult =
  { type: "included"; display: string; text: string } | { type: "refused"; reason: string };

export type ShellResult = { type: "ran"; output: string } | { type: "refused"; reason: string };

export interface ExpansionRuntime {
  /** A file's text for `@path`, if a Read of it would be allowed. */
  includeFile(path: string, allow: readonly Rule[]): Promise<IncludeResult>;
  /** Runs `command` for `` !`command` ``, if a Bash call of it would be allowed. */
  runShell(command: string, allow: readonly Rule[]): Promise<ShellResult>;
  /** Fires when the invocation is interrupted (an MCP prompt's request stops then). */
  signal?: AbortSignal;
}

export interface RuntimeParts {
  toolSession: ToolSession;
  /** The policy in force now. */
  policy: () => PermissionPolicy;
  /** The session's Bash tool; absent (a bare `Bash` deny) means no command runs. */
  bash: Tool | undefined;
  signal: AbortSignal;
}

/** Included files are cut here: a prompt is no place for a whole log. */
export const includeLimitChars = 100_000;

export function createExpansionRuntime(parts: RuntimeParts): ExpansionRuntime {
  const { toolSession: session } = parts;
  const judge = async (
    tool: { name: string; readOnly: boolean },
    access: Access,
    allow: readonly Rule[],
  ) => {
    const query = await prepareQuery(tool, access, {
      workspace: session.workspace,
      shellCwd: session.shell.cwd,
      home: session.home,
      platform: session.platform,
      analyze: (command) =>
        analyzeCommand((session.shellParser.current ??= createShellParser()), command),
    });
    const policy = parts.policy();
    return decide({ ...policy, allow: [...policy.allow, ...allow] }, query);
  };

  return {
    signal: parts.signal,
    async includeFile(path, allow) {
      const target = await resolvePath(session.workspace, path);
      const decision = await judge(
        { name: "Read", readOnly: true },
        { kind: "read", paths: [path] },
        allow,
      );
      if (decision.behavior !== "allow") {
        return { type: "refused", reason: `@${path} was not included: ${decision.reason}` };
      }
      const info = await stat(target.real).catch(() => undefined);
      if (!info) return { type: "refused", reason: `@${path} was not included: no such file` };
      if (!info.isFile()) {
        return { type: "refused", reason: `@${path} was not included: it is not a file` };
      }
      const bytes = await readStart(target.real, includeLimitChars * 4);
      if (bytes.includes(0)) {
        return { type: "refused", reason: `@${path} was not included: it is a binary file` };
      }
      let text = bytes.toString("utf8");
      if (text.length > includeLimitChars || info.size > bytes.length) {
        text = `${text.slice(0, includeLimitChars)}\n[cut: the file is ${info.size} bytes; read the rest with the Read tool]`;
      }
      return { type: "included", display: target.display, text };
    },

    async runShell(command, allow) {
      if (!parts.bash) {
        return { type: "refused", reason: "the Bash tool is not available in this session" };
      }
      const decision = await judge(
        { name: "Bash", readOnly: false },
        { kind: "command", command },
        allow,
      );
      if (decision.behavior !== "allow") {
        return {
          type: "refused",
          reason: `${decision.reason}; add a rule such as "Bash(${command})" to the command's allowed-tools`,
        };
      }
      if (session.executor.needsUnsandboxedApproval()) {
        return {
          type: "refused",
          reason: `${session.executor.unavailableReason ?? "the sandbox is required but unavailable"}; commands of a prompt never run without it`,
        };
      }
      const output = await parts.bash.run(parts.bash.input.parse({ command }), {
        cwd: session.workspace.root,
        signal: parts.signal,
        session,
      });
      const text =
        typeof output.content === "string"
          ? output.content
          : output.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
      // A clean exit needs no status line in the prompt; anything else is worth showing.
      return { type: "ran", output: text.replace(/\n?Exit code 0\s*$/, "").trimEnd() };
    },
  };
}

async function readStart(path: string, max: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(max);
    const { bytesRead } = await handle.read(buffer, 0, max, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
