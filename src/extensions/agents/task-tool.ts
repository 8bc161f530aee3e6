// The Task tool (also called as `Agent`): runs a subagent, a child agent with its own
// conversation, instructions and tool subset, and gives the model only the child's final text.
// The child shares the parent's tool session, permission policy and front-end questions, so it
// can never do more than the parent could.

import * as z from "zod/mini";
import {
  buildSystemPrompt,
  createAgent,
  interruptedMessage,
  type AgentConfig,
  type RunResult,
  toolsNow,
} from "../../agent/index.ts";
import type { AgentHooks } from "../../agent/hooks-port.ts";
import type { AgentEvent } from "../../core/events.ts";
import { userText } from "../../core/messages.ts";
import type { Usage } from "../../core/usage.ts";
import { defineTool, type Tool, type ToolOutput, type ToolSession } from "../../tools/index.ts";
import { childTools, unavailableTools } from "./child-tools.ts";
import type { AgentDefinition } from "./definition.ts";

/** What a definition's `model` connects to when it does not inherit the parent's. */
export type ChildModel = Pick<AgentConfig, "provider" | "model" | "maxTokens">;

export interface TaskToolOptions {
  definitions: readonly AgentDefinition[];
  /**
   * The parent agent's configuration, read when a call runs (the tool is made before the agent
   * that holds it). Provider, model, tools, policy getter, askPermission, tool session and hooks
   * come from here.
   */
  parent: () => AgentConfig;
  /** Connects the model a spec names (`haiku`, `openai/gpt-5`); absent: children inherit. */
  connect?: (spec: string) => Promise<ChildModel>;
  cwd: string;
  platform: string;
}

/** What the Task call's `tool_end` carries for front-ends (the TUI's line, cost roll-ups). */
export interface SubagentDisplay {
  type: "subagent";
  agentType: string;
  description: string;
  outcome: RunResult["outcome"];
  numTurns: number;
  toolCalls: number;
  usage: Usage;
  costUsd: number;
}

const spendSchema = z.object({
  type: z.literal("subagent"),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheCreationInputTokens: z.number(),
    cacheReadInputTokens: z.number(),
  }),
  costUsd: z.number(),
});

/**
 * What a Task call's subagent spent, read from its `tool_end` display (typed `unknown` there),
 * for front-ends that total cost from events; undefined for any other display.
 */
export function subagentSpend(display: unknown): { usage: Usage; costUsd: number } | undefined {
  const parsed = spendSchema.safeParse(display);
  return parsed.success ? { usage: parsed.data.usage, costUsd: parsed.data.costUsd } : undefined;
}

const input = z.object({
  description: z
    .string()
    .check(z.minLength(1), z.describe("A short (3-5 word) description of the task")),
  prompt: z.string().check(z.minLength(1), z.describe("The task for the agent to perform")),
  subagent_type: z.optional(
    z.string().check(z.describe("The type of agent to use (default general-purpose)")),
  ),
});

const defaultAgentType = "general-purpose";

export function createTaskTool(options: TaskToolOptions): Tool {
  const connections = new Map<string, Promise<ChildModel>>();
  const connect = (spec: string): Promise<ChildModel> | undefined => {
    if (!options.connect) return undefined;
    let connection = connections.get(spec);
    if (!connection) {
      connection = options.connect(spec);
      // A failed connection is not kept: the next call may try again.
      connection.catch(() => connections.delete(spec));
      connections.set(spec, connection);
    }
    return connection;
  };

  return defineTool({
    name: "Task",
    aliases: ["Agent"],
    description: describe(options.definitions),
    input,
    // Concurrent with other read-only calls, so several Task calls of one turn run side by side.
    // The tool itself changes nothing; each of the child's own calls is judged by the permission
    // engine, saved by the checkpoint hook and checked against the shared file ledger (an edit of
    // a file another agent changed since it was read is refused), exactly as the parent's are.
    readOnly: true,
    describeAccess: () => ({ kind: "none" }),
    async run(call, ctx): Promise<ToolOutput> {
      const definition = findDefinition(options.definitions, call.subagent_type);
      if (!definition) {
        return {
          isError: true,
          content:
            `No agent type named "${call.subagent_type ?? ""}". Available agent types: ` +
            `${options.definitions.map((d) => d.name).join(", ")}. Call Task again with one of them.`,
        };
      }
      const parent = options.parent();
      let model: ChildModel = {
        provider: parent.provider,
        model: parent.model,
        ...(parent.maxTokens !== undefined ? { maxTokens: parent.maxTokens } : {}),
      };
      const spec = modelSpecFor(definition.model, parent.provider.id);
      if (spec !== undefined) {
        try {
          model = (await connect(spec)) ?? model;
        } catch (error) {
          return {
            isError: true,
            content: `The ${definition.name} agent could not start: its model "${definition.model}" (${definition.source}) is not usable: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
      }

      const { onPathsTouched: _parentMemory, maxTurns: _parentLimit, ...inherited } = parent;
      const child = createAgent({
        ...inherited,
        ...childHooks(parent),
        ...model,
        system: buildSystemPrompt({
          cwd: options.cwd,
          platform: options.platform,
          replace: definition.prompt,
        }),
        tools: childTools(toolsNow(parent), definition),
        toolSession: childSession(parent.toolSession),
        ...(definition.maxTurns !== undefined ? { maxTurns: definition.maxTurns } : {}),
      });

      let toolCalls = 0;
      const parentToolUseId = ctx.toolUseId ?? "";
      const emit = (event: AgentEvent): void => {
        if (event.type === "tool_start") toolCalls++;
        ctx.emit?.({ type: "subagent", parentToolUseId, agentType: definition.name, event });
      };
      const result = await child.run({ messages: [] }, userText(call.prompt), {
        signal: ctx.signal,
        emit,
      });
      ctx.reportSpend?.({
        usage: result.usage,
        costUsd: result.costUsd,
        apiDurationMs: result.apiDurationMs,
      });
      const display: SubagentDisplay = {
        type: "subagent",
        agentType: definition.name,
        description: call.description,
        outcome: result.outcome,
        numTurns: result.numTurns,
        toolCalls,
        usage: result.usage,
        costUsd: result.costUsd,
      };
      return { ...resultContent(result, definition, toolsNow(parent)), display };
    },
  });
}

/** The Task tool's description: what it does and the agent types the model may choose. */
function describe(definitions: readonly AgentDefinition[]): string {
  const types = definitions.map((d) => `- ${d.name}: ${oneParagraph(d.description)}`).join("\n");
  return `Launch a subagent: a fresh context and its own tools; it works on the task alone and returns only its final message. Use it for broad searches and self-contained work whose details you need not keep. It sees none of this conversation: give a complete prompt (the task, what you know, what to report). Several Task calls in one message run concurrently. The user does not see its result: summarise what matters.

Agent types (subagent_type):
${types}`;
}

function oneParagraph(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The definition a call names: exactly, else ignoring case (`Explore`); the default if none. */
function findDefinition(
  definitions: readonly AgentDefinition[],
  requested: string | undefined,
): AgentDefinition | undefined {
  const name = requested?.trim() || defaultAgentType;
  return (
    definitions.find((d) => d.name === name) ??
    definitions.find((d) => d.name.toLowerCase() === name.toLowerCase())
  );
}

/**
 * The model spec a definition's `model` asks for, or undefined to inherit the parent's. The
 * Claude aliases (and bare `claude-…` ids) name Anthropic models: under another provider they
 * inherit, since the user most likely has no Anthropic key there.
 */
export function modelSpecFor(model: string, parentProvider: string): string | undefined {
  const spec = model.trim();
  if (spec === "" || spec === "inherit") return undefined;
  const claude = /^(sonnet|opus|haiku)$/.test(spec) || /^claude-/.test(spec);
  if (claude && parentProvider !== "anthropic") return undefined;
  return spec;
}

/**
 * The parent's hooks as a child needs them: its Stop is the parent's SubagentStop, and it has no
 * UserPromptSubmit (its prompt comes from the model, not a person).
 */
function childHooks(parent: AgentConfig): { hooks?: AgentHooks } {
  const hooks = parent.hooks;
  if (!hooks) return {};
  const { userPromptSubmit: _prompt, stop: _stop, subagentStop, ...rest } = hooks;
  return { hooks: { ...rest, ...(subagentStop ? { stop: subagentStop } : {}) } };
}

/**
 * The parent's tool session as the child sees it: the same workspace, file ledger, background
 * jobs, sandbox and temp folder, but its own Bash working directory (starting at the parent's)
 * and todo list, so a child's `cd` or plan does not move the parent's.
 */
function childSession(parent: ToolSession): ToolSession {
  return {
    ...parent,
    shell: { cwd: parent.shell.cwd },
    todos: { items: [] },
  };
}

function resultContent(
  result: RunResult,
  definition: AgentDefinition,
  parentTools: readonly Tool[],
): Pick<ToolOutput, "content" | "isError"> {
  const text = result.finalText.trim();
  switch (result.outcome) {
    case "success":
      return {
        content:
          text === "" ? `(the ${definition.name} agent ended without a final message)` : text,
      };
    case "max_turns":
      return {
        content: `${text === "" ? "" : `${text}\n\n`}[The ${definition.name} agent stopped at its limit of ${result.numTurns} turns before finishing.]`,
      };
    case "aborted":
      return { isError: true, content: interruptedMessage };
    case "error": {
      const missing = unavailableTools(parentTools, definition);
      return {
        isError: true,
        content:
          `The ${definition.name} agent failed: ${result.error?.message ?? "unknown error"}` +
          (missing.length > 0 ? ` (tools it lists but cannot have: ${missing.join(", ")})` : ""),
      };
    }
    default: {
      const never: never = result.outcome;
      return never;
    }
  }
}
