// Orders the tool calls an MCP client sends to `cairn mcp serve`: read-only calls may overlap,
// a call that changes something runs alone, as in the agent's own turns. Not a queue of work.

/** Runs `work` once the calls it may not overlap with have finished. */
export interface CallGate {
  run<T>(readOnly: boolean, work: () => Promise<T>): Promise<T>;
}

export function createCallGate(): CallGate {
  let readers = 0;
  let writing = false;
  const waiting: Array<{ readOnly: boolean; start: () => void }> = [];

  const admit = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0];
      if (next === undefined || writing) return;
      if (!next.readOnly && readers > 0) return;
      waiting.shift();
      if (next.readOnly) readers++;
      else writing = true;
      next.start();
      if (!next.readOnly) return;
    }
  };

  return {
    async run(readOnly, work) {
      // First come, first served: a waiting write holds back later reads, so it cannot starve.
      await new Promise<void>((start) => {
        waiting.push({ readOnly, start });
        admit();
      });
      try {
        return await work();
      } finally {
        if (readOnly) readers--;
        else writing = false;
        admit();
      }
    },
  };
}
