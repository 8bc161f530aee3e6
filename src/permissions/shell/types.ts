// What the shell analysis tells the permission engine about a Bash command. Produced by
// analyze.ts from a real parse (tree-sitter-bash); consumed by rule matching and classification.

/** One word of a command line after parsing. */
export type Word =
  /** Fully known text after quote removal (`'a b'` → `a b`, `"x"` → `x`). */
  | { kind: "literal"; value: string }
  /** Depends on run time: `$VAR`, `$(…)`, `` `…` ``, globs, `~user`, arithmetic. `text` is the source. */
  | { kind: "dynamic"; text: string };

export interface Redirect {
  /** `>`, `>>`, `<`, `&>`, `2>`, `>|`, `<<<`, … as written. */
  operator: string;
  /** The target word (a file name, or a descriptor for `>&2`). */
  target: Word;
  /** True when the redirect can create or change a file (output redirects other than to /dev/null or a descriptor). */
  writes: boolean;
}

/** A simple command: `env VAR=1 git status > out` → assignments, argv, redirects. */
export interface SimpleCommand {
  /** The command's source text. */
  text: string;
  /** `VAR=value` prefixes, as written. */
  assignments: string[];
  /** argv[0] is the program. */
  argv: Word[];
  redirects: Redirect[];
}

/** Constructs that make a command's effect impossible to judge from its text alone. */
export type Hazard =
  | { kind: "command_substitution"; text: string }
  | { kind: "process_substitution"; text: string }
  | { kind: "eval"; text: string } // eval, exec, source/., sh -c/bash -c with non-literal script
  | { kind: "dynamic_program"; text: string } // argv[0] not literal
  | { kind: "dangerous_env"; text: string } // LD_PRELOAD=, NODE_OPTIONS=, PATH=, GIT_*= …
  | { kind: "background"; text: string } // `&`
  | { kind: "function_definition"; text: string }
  | { kind: "other"; text: string };

export type CommandAnalysis =
  | {
      kind: "parsed";
      /** Every simple command reachable in the script (across ;, &&, ||, |, subshells, groups, if/for/while bodies, and the literal scripts of `sh -c`, `xargs`, `find -exec`, wrappers like `timeout`/`nice`/`env`), in source order. */
      commands: SimpleCommand[];
      hazards: Hazard[];
    }
  | { kind: "unparsable"; reason: string };
