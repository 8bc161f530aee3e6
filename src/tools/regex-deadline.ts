// Running a model-written regular expression with a time limit: V8 backtracks, so a pattern such
// as `(a+)+$` could otherwise freeze the whole process (and with it Ctrl-C handling).

import vm from "node:vm";

const filterScript = new vm.Script("lines.filter((line) => line.search(regex) !== -1)");

/** The lines `regex` matches, or undefined if matching took longer than `timeoutMs`. */
export function filterLinesWithin(
  lines: readonly string[],
  regex: RegExp,
  timeoutMs: number,
): string[] | undefined {
  const context = vm.createContext({ lines, regex });
  try {
    // The watchdog interrupts the regex engine itself, not just the loop around it.
    const matched = filterScript.runInContext(context, { timeout: timeoutMs }) as unknown;
    return Array.isArray(matched) ? matched.map(String) : [];
  } catch (error) {
    // Checked by shape: the error may come from another realm (a test runner's vm context).
    const code =
      typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return undefined;
    throw error;
  }
}
