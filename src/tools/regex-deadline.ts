// Running a model-written regular expression with a time limit: V8 backtracks, so a pattern such
// as `(a+)+$` could otherwise freeze the whole process (and with it Ctrl-C handling).

import vm from "node:vm";

export type Within<T> = { type: "done"; value: T } | { type: "timed out" };

/** Runs `task` synchronously; gives up on it once it has run for `timeoutMs`. */
export type DeadlineRunner = <T>(task: () => T, timeoutMs: number) => Within<T>;

const runTask = new vm.Script("task()");

/**
 * A runner for tasks that may run a slow regex. The watchdog interrupts the regex engine itself,
 * not just the loop around it, and any JavaScript the task calls. Whatever state the task changed
 * before it was stopped is left half done: discard it. Costs: the runner's vm context about a
 * millisecond, once; each run a watchdog thread, 0.1–0.3 ms, so callers batch their work.
 */
export function createDeadlineRunner(): DeadlineRunner {
  const context = vm.createContext({ task: undefined as (() => unknown) | undefined });
  return <T>(task: () => T, timeoutMs: number): Within<T> => {
    context.task = task;
    try {
      // The task is a function of this realm, so its result needs no conversion.
      return { type: "done", value: runTask.runInContext(context, { timeout: timeoutMs }) as T };
    } catch (error) {
      // Checked by shape: the error may come from another realm (a test runner's vm context).
      const code =
        typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
      if (code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return { type: "timed out" };
      throw error;
    } finally {
      context.task = undefined;
    }
  };
}

/** The lines `regex` matches, or undefined if matching took longer than `timeoutMs`. */
export function filterLinesWithin(
  lines: readonly string[],
  regex: RegExp,
  timeoutMs: number,
): string[] | undefined {
  const result = createDeadlineRunner()(
    () => lines.filter((line) => line.search(regex) !== -1),
    timeoutMs,
  );
  return result.type === "done" ? result.value : undefined;
}
