// What a tool is: a plain object with a zod input schema, an access description for the
// permission engine, and a run function. Tools never ask for permission themselves.

import * as z from "zod/mini";
import type { AgentEvent } from "../core/events.ts";
import type { ImageBlock, TextBlock } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";
import type { ToolSpec } from "../providers/types.ts";
import type { ToolSession } from "./session.ts";

// Input errors go back to the model, which can only fix what the message names.
useEnglishValidationMessages();

/** What the permission engine must judge before a call runs. */
export type Access =
  | { kind: "none" }
  | { kind: "read"; paths: string[] }
  | { kind: "write"; paths: string[] }
  | { kind: "command"; command: string }
  | { kind: "network"; url: string }
  /** A tool of an MCP server: asks unless a rule allows it, whatever the server says it does. */
  | { kind: "mcp"; server: string; tool: string };

export interface ToolContext {
  /** The workspace root every relative path is resolved against. */
  cwd: string;
  signal: AbortSignal;
  /** State shared by the tools of one session: file ledger, Bash cwd, jobs, temp folder. */
  session: ToolSession;
  onProgress?: (text: string) => void;
  /** The id of the call being run (the Task tool tags its child's events with it). */
  toolUseId?: string;
  /** The run's event sink, for a tool that runs an agent of its own (Task forwards its child's). */
  emit?: (event: AgentEvent) => void;
  /** Adds model calls a tool made (a subagent's) to the run's usage and cost. */
  reportSpend?: (spend: Spend) => void;
}

/** What model calls made inside a tool cost, priced by whoever knew the model. */
export interface Spend {
  usage: Usage;
  costUsd: number;
  apiDurationMs: number;
}

export interface ToolOutput {
  /** What the model sees. */
  content: string | Array<TextBlock | ImageBlock>;
  isError?: boolean;
  /** Structured data for front-ends (a diff, a file list); never sent to the model. */
  display?: unknown;
}

export interface Tool<Schema extends z.ZodMiniType = z.ZodMiniType> {
  name: string;
  /**
   * Other names a call may use (`Agent` for `Task`, after Claude Code's rename). Only `name` is
   * offered to the model; permission rules treat the names alike (permissions/rules.ts).
   */
  aliases?: readonly string[];
  description: string;
  input: Schema;
  /**
   * The JSON Schema the model sees, for tools defined elsewhere (an MCP server's tools): the zod
   * `input` then only checks the shape loosely and the tool's owner validates the rest.
   */
  inputJsonSchema?: Record<string, unknown>;
  /** Read-only calls may run concurrently with each other. */
  readOnly: boolean;
  describeAccess(input: z.infer<Schema>): Access;
  run(input: z.infer<Schema>, ctx: ToolContext): Promise<ToolOutput>;
}

export function defineTool<Schema extends z.ZodMiniType>(tool: Tool<Schema>): Tool {
  // Method parameters are bivariant, so a specific tool is a Tool; this is sound because the
  // orchestrator only calls describeAccess/run with the output of tool.input.parse.
  return tool;
}

/** The tool as the model sees it. Deterministic, so request prefixes stay byte-identical. */
export function toolSpec(tool: Tool): ToolSpec {
  if (tool.inputJsonSchema !== undefined) {
    return { name: tool.name, description: tool.description, inputSchema: tool.inputJsonSchema };
  }
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(tool.input, { io: "input" });
  return { name: tool.name, description: tool.description, inputSchema };
}

/** A zod failure as a message a model can act on: each offending field and what was expected. */
export function describeInputError(toolName: string, error: z.core.$ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(input)";
    return `- ${where}: ${issue.message}`;
  });
  return `Invalid input for ${toolName}:\n${lines.join("\n")}\nFix these fields and call ${toolName} again.`;
}
