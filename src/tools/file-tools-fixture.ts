// Test support for the file tools: a real temp workspace with a real ToolSession, and a way to
// call a tool the way the orchestrator does (input parsed by its schema). Used only by tests.

import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolSession, type ToolSession } from "./session.ts";
import type { Tool, ToolContext, ToolOutput } from "./tool.ts";

export interface FileToolsFixture {
  root: string;
  session: ToolSession;
  ctx: ToolContext;
  /** Absolute path of a workspace-relative name. */
  path(name: string): string;
  call(tool: Tool, input: unknown): Promise<ToolOutput>;
  dispose(): Promise<void>;
}

export async function createFileToolsFixture(): Promise<FileToolsFixture> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-file-tools-")));
  const session = createToolSession({ root, additionalDirs: [] });
  const ctx: ToolContext = { cwd: root, signal: new AbortController().signal, session };
  return {
    root,
    session,
    ctx,
    path: (name) => join(root, name),
    call: (tool, input) => tool.run(tool.input.parse(input), ctx),
    async dispose() {
      await session.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The text the model sees in a result (text blocks joined). */
export function textOf(output: ToolOutput): string {
  if (typeof output.content === "string") return output.content;
  return output.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
}
