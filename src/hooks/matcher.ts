// Hook matchers as Claude Code documents them: "*", "" or none match everything; a string of
// only name characters is an exact name or an `A|B` list; anything else is an unanchored regex.

export interface CompiledMatcher {
  test(subject: string): boolean;
  /** Set when the pattern looked like a regex but did not compile (it then matches by equality). */
  error?: string;
}

const everything: CompiledMatcher = { test: () => true };

/** Characters of a plain name list; a pattern with any other character is a regex. */
const nameList = /^[A-Za-z0-9_ ,|-]+$/;

export function compileMatcher(pattern: string | undefined): CompiledMatcher {
  if (pattern === undefined || pattern.trim() === "" || pattern.trim() === "*") return everything;
  if (nameList.test(pattern)) {
    const names = new Set(
      pattern
        .split(/[|,]/)
        .map((name) => name.trim())
        .filter((name) => name !== ""),
    );
    return { test: (subject) => names.has(subject) };
  }
  try {
    const regex = new RegExp(pattern);
    return { test: (subject) => regex.test(subject) };
  } catch (error) {
    return {
      test: (subject) => subject === pattern,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
