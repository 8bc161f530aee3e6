// The system prompt: short, model-neutral and identical for every request of a session
// (no time, no random ids), so the provider's prompt cache can reuse the whole prefix.

export interface SystemPromptOptions {
  cwd: string;
  platform: string;
  /** Replaces the built-in instructions entirely (`--system-prompt`). */
  replace?: string;
  /** Added after everything else (`--append-system-prompt`). */
  append?: string;
  /**
   * The memory files' text (AGENTS.md, CLAUDE.md), read once at start. It sits in the system
   * prompt so it stays in the cached prefix and survives compaction without being re-sent.
   */
  memory?: string;
}

const instructions = `You are cairn, a coding agent working in the user's repository through the tools you are given.

- Look before you act: read the relevant code before changing it; use tools instead of guessing about files, commands or output.
- Make the smallest change that does the job, in the style of the surrounding code, then verify it (build, tests, or running it) when you can.
- Keep going until the task is done or you are blocked; when blocked, say exactly what stopped you.
- Never claim a result you did not observe. Report failures plainly.
- Do not take destructive or irreversible actions (deleting data, force-pushing, touching files outside the task) unless the user asked for them.
- Answer concisely. Refer to code as path:line.`;

export function buildSystemPrompt(options: SystemPromptOptions): string {
  const parts = [
    options.replace ?? instructions,
    `Environment:\n- Working directory: ${options.cwd}\n- Platform: ${options.platform}`,
  ];
  if (options.memory?.trim()) parts.push(options.memory.trim());
  if (options.append?.trim()) parts.push(options.append.trim());
  return parts.join("\n\n");
}
