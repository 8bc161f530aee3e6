// What the agent loop asks of user-configured hooks, without knowing how they run (src/hooks
// implements it from settings files). Every method is optional; absent means "no hook".
// A hook can add context or block, but never grant more than the permission rules allow: the
// loop applies `decision: "allow"` only where no deny or ask rule matched.

export interface HookToolCall {
  toolUseId: string;
  toolName: string;
  input: unknown;
}

/** Set on any outcome when a hook answered `continue: false`: the run ends with this reason. */
export interface HookStop {
  stopRun?: string;
  /**
   * Text to show the user (`systemMessage`), never sent to the model. The loop does not show it:
   * src/hooks hands such lines to the front-end itself (its `onMessage`) and leaves this unset.
   */
  userMessage?: string;
}

export interface PreToolUseOutcome extends HookStop {
  decision?: "allow" | "deny" | "ask";
  /** Why: shown to the model for a deny, to the user for an ask. */
  reason?: string;
  /** Replaces the tool's input (validated again by the tool's schema before use). */
  updatedInput?: Record<string, unknown>;
  additionalContext?: string;
}

export interface PostToolUseOutcome extends HookStop {
  /** Text the model gets beside the tool's result (a `decision: "block"` reason). */
  feedback?: string;
  additionalContext?: string;
}

export interface PromptOutcome extends HookStop {
  /** The prompt is not sent; this is why (shown to the user). */
  block?: string;
  additionalContext?: string;
}

export interface StopOutcome extends HookStop {
  /** The model must go on: this text is its next instruction. */
  block?: string;
}

export interface StopInfo {
  /** True when the model is already continuing because a Stop hook blocked (no endless loops). */
  stopHookActive: boolean;
  lastAssistantText: string;
}

/**
 * Properties, not methods: implementations never use `this`, so a subagent can be handed
 * `{ ...parentHooks, stop: parentHooks.subagentStop }`.
 */
export interface AgentHooks {
  userPromptSubmit?: (prompt: string, signal: AbortSignal) => Promise<PromptOutcome>;
  preToolUse?: (call: HookToolCall, signal: AbortSignal) => Promise<PreToolUseOutcome>;
  postToolUse?: (
    call: HookToolCall & { response: unknown; isError: boolean },
    signal: AbortSignal,
  ) => Promise<PostToolUseOutcome>;
  /** The main agent is about to end its turn. */
  stop?: (info: StopInfo, signal: AbortSignal) => Promise<StopOutcome>;
  /** A subagent (the Task tool's child) is about to end its turn. */
  subagentStop?: (info: StopInfo, signal: AbortSignal) => Promise<StopOutcome>;
  preCompact?: (
    info: { trigger: "manual" | "auto"; instructions?: string },
    signal: AbortSignal,
  ) => Promise<HookStop>;
  /**
   * The agent needs the user (a permission question, idle input); fire and forget. `type` is
   * what Notification matchers test (`permission_prompt`, `idle_prompt`).
   */
  notification?: (message: string, type?: string) => void;
}
