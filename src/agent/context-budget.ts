// The token figures compaction works to, derived from the context window, the configured
// threshold and the room kept for the reply. Pure arithmetic; the meter supplies the window.

export interface CompactionConfig {
  /** Compact automatically when a request would pass the threshold. Default true. */
  enabled?: boolean;
  /** Fraction of the context window a request may fill before compaction. Default 0.8. */
  threshold?: number;
  /** Recent conversation kept verbatim after a summary, in tokens. Default 20% of the window. */
  keepRecentTokens?: number;
}

export interface ContextBudget {
  window: number;
  /** Largest request that still leaves room for the reply. */
  maxInput: number;
  /** A request estimated above this is compacted first. */
  limit: number;
  /** Eliding old tool output is enough when it brings the request under this. */
  elideTarget: number;
  /** Recent conversation kept verbatim after a summary, at most. */
  keepRecent: number;
}

export const defaultThreshold = 0.8;

export function contextBudget(
  window: number,
  config: CompactionConfig | undefined,
  /** The output cap sent with each request, or the model's own limit when none is sent. */
  outputTokens: number,
): ContextBudget {
  // A reply larger than a quarter of the window is rare; reserving a 32k output cap in full
  // would leave a small window (a local model with 16k) no room at all.
  const reserve = Math.min(outputTokens, Math.floor(window / 4));
  const maxInput = window - reserve;
  const threshold = config?.threshold ?? defaultThreshold;
  const limit = Math.min(Math.floor(threshold * window), maxInput);
  const elideTarget = Math.floor(0.75 * limit);
  const keepRecent = Math.min(
    config?.keepRecentTokens ?? Math.floor(0.2 * window),
    Math.floor(0.5 * limit),
  );
  return { window, maxInput, limit, elideTarget, keepRecent };
}
